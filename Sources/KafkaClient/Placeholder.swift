enum KafkaClientPlaceholder {}
