// SPDX-License-Identifier: Apache-2.0
// Symbols outside the vaccel_* API that binaries built against upstream
// vAccel 0.8 reference, exported so that they run on our libvaccel.so.0
// unchanged. (slog_print, for upstream's logging macros, is in log.cc.)
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include "internal.hh"

// fs_file_read(): upstream's examples include upstream's internal
// utils/fs.h and call it to load their input files, so an installed
// upstream example binary needs it from libvaccel. Reads the whole regular,
// non-empty file at `path` into a malloc()ed buffer (*data, *size); errno
// values on failure, VACCEL_EINVAL for an empty file.
extern "C" __attribute__((visibility("default"))) int fs_file_read(const char *path, void **data,
                                                                   size_t *size) {
  if (!path || !data) return VACCEL_EINVAL;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno;
  struct stat st;
  if (fstat(fd, &st) != 0) {
    int e = errno;
    close(fd);
    return e;
  }
  if (!S_ISREG(st.st_mode) || st.st_size <= 0) {
    close(fd);
    return VACCEL_EINVAL;
  }
  size_t n = static_cast<size_t>(st.st_size);
  auto *buf = static_cast<unsigned char *>(malloc(n));
  if (!buf) {
    close(fd);
    return VACCEL_ENOMEM;
  }
  size_t got = 0;
  while (got < n) {
    ssize_t r = read(fd, buf + got, n - got);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) {
      int e = r < 0 ? errno : VACCEL_EIO;
      free(buf);
      close(fd);
      return e;
    }
    got += static_cast<size_t>(r);
  }
  close(fd);
  *data = buf;
  if (size) *size = n;
  return VACCEL_OK;
}
