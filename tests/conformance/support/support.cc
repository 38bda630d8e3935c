// SPDX-License-Identifier: Apache-2.0
// Test-support code for running upstream vAccel's Catch2 tests unchanged
// against our libvaccel: upstream's test/utils.cpp helpers, the test
// utilities its tests borrow from upstream-private headers, and exit-77 stubs
// for upstream runtime internals (see upstream_private.h).
#include <dirent.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "upstream_private.h"
#include "utils.hpp"

extern "C" {

// ---- upstream test/utils.hpp
auto abs_path(const char *root, const char *file) -> char * {
  return strdup((std::string(root) + "/" + file).c_str());
}

auto read_file_from_dir(const char *dir, const char *path, size_t *len) -> unsigned char * {
  std::string full = std::string(dir) + "/" + path;
  void *p = nullptr;
  if (fs_file_read_mmap(full.c_str(), &p, len) != 0)
    fprintf(stderr, "Could not mmap %s", full.c_str());
  return static_cast<unsigned char *>(p);
}

// ---- test utilities
int fs_file_read(const char *path, void **data, size_t *size) {
  if (!path || !data) return VACCEL_EINVAL;
  FILE *f = fopen(path, "rb");
  if (!f) return errno;
  std::string buf;
  char chunk[65536];
  size_t n;
  while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) buf.append(chunk, n);
  fclose(f);
  void *out = malloc(buf.size() ? buf.size() : 1);
  if (!out) return VACCEL_ENOMEM;
  memcpy(out, buf.data(), buf.size());
  *data = out;
  if (size) *size = buf.size();
  return VACCEL_OK;
}

int fs_file_read_mmap(const char *path, void **data, size_t *size) {
  if (!path || !data) return VACCEL_EINVAL;
  int fd = open(path, O_RDONLY);
  if (fd < 0) return errno;
  struct stat st;
  if (fstat(fd, &st) != 0) {
    close(fd);
    return errno;
  }
  void *p = mmap(nullptr, st.st_size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  close(fd);
  if (p == MAP_FAILED) return errno;
  *data = p;
  if (size) *size = st.st_size;
  return VACCEL_OK;
}

bool fs_path_is_file(const char *path) {
  struct stat st;
  return path && stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

bool fs_path_is_dir(const char *path) {
  struct stat st;
  return path && stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

bool fs_path_exists(const char *path) {
  struct stat st;
  return path && stat(path, &st) == 0;
}

int fs_dir_create(const char *path) {
  if (!path) return VACCEL_EINVAL;
  return mkdir(path, 0700) == 0 ? VACCEL_OK : errno;
}

int fs_dir_remove(const char *path) {
  if (!path) return VACCEL_EINVAL;
  return rmdir(path) == 0 ? VACCEL_OK : errno;
}

// Calls func(path, index, args) for each regular file below `path`
// (recursively); with func == NULL returns how many there are (as
// upstream's helper does).
int fs_dir_process_files(const char *path, fs_path_callback_t func, ...) {
  if (!path) return VACCEL_EINVAL;
  std::error_code ec;
  std::vector<std::string> files;
  for (auto it = std::filesystem::recursive_directory_iterator(path, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec))
    if (it->is_regular_file()) files.push_back(it->path().string());
  if (ec) return VACCEL_ENOENT;
  if (!func) return static_cast<int>(files.size());
  int idx = 0;
  for (const std::string &f : files) {
    va_list ap;
    va_start(ap, func);
    int ret = func(f.c_str(), idx++, ap);
    va_end(ap);
    if (ret != VACCEL_OK) return ret;
  }
  return VACCEL_OK;
}

// Joins the NULL-terminated parts with '/'; VACCEL_ENAMETOOLONG if the result
// does not fit in `size` (or size > PATH_MAX).
int path_init_from_parts(char *path, size_t size, const char *first_part, ...) {
  if (!path || !size || !first_part) return VACCEL_EINVAL;
  if (size > PATH_MAX) return VACCEL_ENAMETOOLONG;
  std::string out = first_part;
  va_list ap;
  va_start(ap, first_part);
  while (const char *part = va_arg(ap, const char *)) out += std::string("/") + part;
  va_end(ap);
  if (out.size() >= size - 1) return VACCEL_ENAMETOOLONG;
  memcpy(path, out.c_str(), out.size() + 1);
  return VACCEL_OK;
}

int path_file_name(const char *path, char *name, size_t size, char **alloc_name) {
  if (!path || (!name && !alloc_name) || (!size && !alloc_name)) return VACCEL_EINVAL;
  const char *slash = strrchr(path, '/');
  const char *base = slash ? slash + 1 : path;
  size_t len = strlen(base);
  if (len >= NAME_MAX) return VACCEL_ENAMETOOLONG;
  if (alloc_name) {
    *alloc_name = strndup(base, len);
    return *alloc_name ? VACCEL_OK : VACCEL_ENOMEM;
  }
  if (len >= size) return VACCEL_ENAMETOOLONG;
  memcpy(name, base, len + 1);
  return VACCEL_OK;
}

// ---- upstream runtime internals: out of scope for a drop-in
[[noreturn]] static void out_of_scope(const char *fn) {
  fprintf(stderr, "\nCONFORMANCE-OUT-OF-SCOPE: needs upstream-private %s\n", fn);
  fflush(stderr);
  _exit(77);
}
#define OOS(ret, name, params) \
  ret name params { out_of_scope(#name); }
OOS(int, plugin_register, (struct vaccel_plugin *))
OOS(int, plugin_unregister, (struct vaccel_plugin *))
OOS(int, plugins_bootstrap, (void))
OOS(int, plugins_cleanup, (void))
OOS(size_t, plugin_count, (void))
OOS(struct vaccel_plugin *, plugin_find, (unsigned int))
OOS(void *, plugin_get_op_func, (struct vaccel_plugin *, vaccel_op_type_t))
OOS(int, plugin_parse_version, (int *, int *, int *, char **, const char *))
OOS(int, sessions_bootstrap, (void))
OOS(int, sessions_cleanup, (void))
OOS(int, resources_bootstrap, (void))
OOS(int, resources_cleanup, (void))
OOS(int, resource_create_rundir, (struct vaccel_resource *))
}
