// SPDX-License-Identifier: Apache-2.0
// The two interface headers the plugin speaks: the wire protocol (op codes,
// statuses, parameter blocks) and the guest driver's ioctl ABI.
#pragma once

#include <virtio_accel.h>
#include <virtio_accel_ioctl.h>
