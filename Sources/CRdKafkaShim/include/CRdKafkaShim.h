#ifndef LOOPWATCH_CRDKAFKA_SHIM_PUBLIC_H
#define LOOPWATCH_CRDKAFKA_SHIM_PUBLIC_H
#include <librdkafka/rdkafka.h>
#endif
