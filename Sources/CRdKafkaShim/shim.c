#include "CRdKafkaShim.h"
