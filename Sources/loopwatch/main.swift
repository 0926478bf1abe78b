print("loopwatch")
