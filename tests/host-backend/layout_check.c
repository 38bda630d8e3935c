/* Compiles the wire header as C17 with -Wpadded: the header's own
 * _Static_asserts check every size and offset, -Wpadded catches any padding
 * a compiler would add. Built as part of the test suite (a C object). */
#include "virtio_accel.h"

int va_layout_check_c(void) { return (int)sizeof(struct virtio_accel_config); }
