enum LoopwatchWorkerPlaceholder {}
