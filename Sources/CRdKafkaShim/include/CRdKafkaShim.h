#ifndef LOOPWATCH_CRDKAFKA_SHIM_PUBLIC_H
#define LOOPWATCH_CRDKAFKA_SHIM_PUBLIC_H
#include <stddef.h>
#include <stdint.h>
#include <librdkafka/rdkafka.h>

/// Non-variadic wrapper around `rd_kafka_producev` (Swift cannot call varargs).
///
/// The payload and key are copied (`RD_KAFKA_MSG_F_COPY`). `value == NULL`
/// produces a tombstone. `partition` may be `RD_KAFKA_PARTITION_UA`.
/// `timestamp_ms == 0` lets librdkafka use the current time.
/// On success ownership of `headers` (may be NULL) passes to librdkafka;
/// on failure the caller still owns it and must destroy it.
rd_kafka_resp_err_t loopwatch_rd_kafka_produce(rd_kafka_t *rk,
                                               const char *topic,
                                               int32_t partition,
                                               const void *key,
                                               size_t key_len,
                                               const void *value,
                                               size_t value_len,
                                               rd_kafka_headers_t *headers,
                                               int64_t timestamp_ms,
                                               void *msg_opaque);

#endif
