"""Pure language functions: no Kafka, no I/O on the hot path."""
