/* Compiles the wire header as C17 with -Wpadded: any padding a compiler
 * would add is an error (sizes and offsets are asserted by the protocol
 * library in C and by layout_test.cc in C++). Built as part of the test
 * suite (a C object). */
#include "virtio_accel.h"

int va_layout_check_c(void) { return (int)sizeof(struct virtio_accel_config); }
