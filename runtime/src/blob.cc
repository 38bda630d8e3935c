// SPDX-License-Identifier: Apache-2.0
// Blobs: one named file or memory buffer of a resource. Semantics as
// upstream vAccel 0.8 (whose tests judge them):
//   FILE    made from an existing file; data/size stay empty until read.
//   BUFFER  bytes in memory only (borrowed, or copied when `own`).
//   MAPPED  bytes persisted to a file the blob owns, `data` mmap()ed from it
//           (writes through `data` reach the file); also what a FILE blob
//           becomes once read.
// A released blob has type VACCEL_BLOB_MAX.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <string>

#include "internal.hh"

namespace {

bool is_dir(const char *p) {
  struct stat st;
  return p && stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

bool is_file(const char *p) {
  struct stat st;
  return p && stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

// Base name of `path` (malloc'd), or null.
char *base_name(const char *path) {
  const char *slash = strrchr(path, '/');
  const char *b = slash ? slash + 1 : path;
  if (!*b || strlen(b) >= NAME_MAX) return nullptr;
  return strdup(b);
}

int write_all(int fd, const uint8_t *p, size_t n) {
  while (n) {
    ssize_t w = write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return VACCEL_EIO;
    }
    p += w;
    n -= static_cast<size_t>(w);
  }
  return VACCEL_OK;
}

// mmap()s a whole file read/write, private to this process (as upstream's
// fs_file_read_mmap); an empty file cannot be mapped (EINVAL).
int map_file(const char *path, uint8_t **data, size_t *size) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno == ENOENT ? VACCEL_ENOENT : VACCEL_EIO;
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0) {
    close(fd);
    return VACCEL_EINVAL;
  }
  void *p =
      mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  close(fd);
  if (p == MAP_FAILED) return VACCEL_ENOMEM;
  *data = static_cast<uint8_t *>(p);
  *size = static_cast<size_t>(st.st_size);
  return VACCEL_OK;
}

// Creates dir/name exclusively, or dir/name.XXXXXX when `unique`.
int create_file(const std::string &path, bool unique, std::string &out, int &fd) {
  if (unique) {
    std::string tmpl = path + ".XXXXXX";
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    fd = mkostemp(buf.data(), O_CLOEXEC);
    if (fd < 0) return VACCEL_EIO;
    out = buf.data();
    return VACCEL_OK;
  }
  fd = open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return errno == EEXIST ? VACCEL_EEXIST : VACCEL_EIO;
  out = path;
  return VACCEL_OK;
}

}  // namespace

extern "C" {

int vaccel_blob_init(struct vaccel_blob *blob, const char *path) {
  if (!blob || !path) return VACCEL_EINVAL;
  if (!is_file(path)) return VACCEL_EINVAL;
  char *p = strdup(path);
  char *name = p ? base_name(p) : nullptr;
  if (!p || !name) {
    free(p);
    return p ? VACCEL_ENAMETOOLONG : VACCEL_ENOMEM;
  }
  *blob = {VACCEL_BLOB_FILE, name, p, false, nullptr, false, 0};
  return VACCEL_OK;
}

int vaccel_blob_persist(struct vaccel_blob *blob, const char *dir, const char *filename,
                        bool randomize) {
  if (!blob || !blob->data || !blob->size || blob->type >= VACCEL_BLOB_MAX || !filename)
    return VACCEL_EINVAL;
  if (!is_dir(dir)) return VACCEL_ENOENT;
  if (blob->path) return VACCEL_EEXIST;  // never overwrite a blob's file
  if (strchr(filename, '/') || !strcmp(filename, ".") || !strcmp(filename, ".."))
    return VACCEL_EINVAL;  // a name, not a path
  std::string want = std::string(dir) + "/" + filename;
  std::string path;
  int fd = -1;
  int ret = create_file(want, randomize, path, fd);
  if (ret == VACCEL_EEXIST) {  // as upstream: fall back to a unique name
    vaccel_warn("File %s exists; adding a random suffix", want.c_str());
    ret = create_file(want, true, path, fd);
  }
  if (ret) return ret;
  ret = write_all(fd, blob->data, blob->size);
  close(fd);
  uint8_t *mapped = nullptr;
  size_t size = 0;
  if (!ret) ret = map_file(path.c_str(), &mapped, &size);
  char *p = ret ? nullptr : strdup(path.c_str());
  char *name = p ? base_name(p) : nullptr;
  if (ret || !p || !name) {
    free(p);
    free(name);
    if (mapped) munmap(mapped, size);
    unlink(path.c_str());
    return ret ? ret : VACCEL_ENOMEM;
  }
  if (blob->type == VACCEL_BLOB_BUFFER && blob->data_owned) free(blob->data);
  free(blob->name);
  blob->name = name;
  blob->path = p;
  blob->path_owned = true;
  blob->data = mapped;
  blob->size = size;
  blob->data_owned = true;
  blob->type = VACCEL_BLOB_MAPPED;
  return VACCEL_OK;
}

int vaccel_blob_init_from_buf(struct vaccel_blob *blob, const uint8_t *buf, size_t size, bool own,
                              const char *filename, const char *dir, bool randomize) {
  if (!blob || !buf || !size || !filename) return VACCEL_EINVAL;
  *blob = {VACCEL_BLOB_BUFFER, nullptr, nullptr, false, const_cast<uint8_t *>(buf), false, size};
  int ret;
  if (dir) {
    // Persisting maps the file: the blob owns that memory, so
    // `own` makes no difference.
    ret = vaccel_blob_persist(blob, dir, filename, randomize);
  } else {
    ret = VACCEL_OK;
    if (own) {
      blob->data = static_cast<uint8_t *>(malloc(size));
      if (blob->data) {
        memcpy(blob->data, buf, size);
        blob->data_owned = true;
      } else {
        ret = VACCEL_ENOMEM;
      }
    }
    if (!ret) {
      blob->name = strdup(filename);
      if (!blob->name) ret = VACCEL_ENOMEM;
    }
  }
  if (ret) {
    if (blob->data_owned && blob->type == VACCEL_BLOB_BUFFER) free(blob->data);
    *blob = {VACCEL_BLOB_MAX, nullptr, nullptr, false, nullptr, false, 0};
  }
  return ret;
}

int vaccel_blob_release(struct vaccel_blob *blob) {
  if (!blob || blob->type >= VACCEL_BLOB_MAX) return VACCEL_EINVAL;
  // MAPPED data is always our mmap() (persisted or read), even where
  // upstream reports data_owned == false (a file read in place).
  if (blob->data && blob->size && blob->type == VACCEL_BLOB_MAPPED)
    munmap(blob->data, blob->size);
  else if (blob->data && blob->data_owned)
    free(blob->data);
  if (blob->path && blob->path_owned && unlink(blob->path) != 0)
    vaccel_warn("Could not remove file %s", blob->path);
  free(blob->path);
  free(blob->name);
  *blob = {VACCEL_BLOB_MAX, nullptr, nullptr, false, nullptr, false, 0};
  return VACCEL_OK;
}

int vaccel_blob_new(struct vaccel_blob **blob, const char *path) {
  if (!blob) return VACCEL_EINVAL;
  auto *b = static_cast<vaccel_blob *>(calloc(1, sizeof(vaccel_blob)));
  if (!b) return VACCEL_ENOMEM;
  int ret = vaccel_blob_init(b, path);
  if (ret) {
    free(b);
    return ret;
  }
  *blob = b;
  return VACCEL_OK;
}

int vaccel_blob_from_buf(struct vaccel_blob **blob, const uint8_t *buf, size_t size, bool own,
                         const char *filename, const char *dir, bool randomize) {
  if (!blob) return VACCEL_EINVAL;
  auto *b = static_cast<vaccel_blob *>(calloc(1, sizeof(vaccel_blob)));
  if (!b) return VACCEL_ENOMEM;
  int ret = vaccel_blob_init_from_buf(b, buf, size, own, filename, dir, randomize);
  if (ret) {
    free(b);
    return ret;
  }
  *blob = b;
  return VACCEL_OK;
}

int vaccel_blob_delete(struct vaccel_blob *blob) {
  int ret = vaccel_blob_release(blob);
  if (ret) return ret;
  free(blob);
  return VACCEL_OK;
}

bool vaccel_blob_initialized(struct vaccel_blob *blob) {
  return blob && blob->type < VACCEL_BLOB_MAX && blob->name;
}

bool vaccel_blob_valid(const struct vaccel_blob *blob) {
  return blob && blob->type < VACCEL_BLOB_MAX && blob->name &&
         (blob->path || (blob->size && blob->data));
}

int vaccel_blob_read(struct vaccel_blob *blob) {
  if (!blob || blob->type >= VACCEL_BLOB_MAX) return VACCEL_EINVAL;
  // Plugins may load the same blob from several threads at once.
  static std::mutex read_mu;
  std::lock_guard<std::mutex> lock(read_mu);
  if (blob->data) return VACCEL_OK;
  if (!blob->path) return VACCEL_EINVAL;
  uint8_t *data = nullptr;
  size_t size = 0;
  if (int ret = map_file(blob->path, &data, &size)) return ret;
  blob->data = data;
  blob->size = size;
  blob->data_owned = false;  // as upstream: the file is not the blob's
  blob->type = VACCEL_BLOB_MAPPED;
  return VACCEL_OK;
}

uint8_t *vaccel_blob_data(struct vaccel_blob *blob, size_t *size) {
  if (!blob || blob->type >= VACCEL_BLOB_MAX) return nullptr;
  if ((!blob->data || !blob->size) && vaccel_blob_read(blob)) return nullptr;
  if (size) *size = blob->size;
  return blob->data;
}

const char *vaccel_blob_path(struct vaccel_blob *blob) {
  if (!blob || !blob->path) return nullptr;
  return (blob->type == VACCEL_BLOB_MAPPED || blob->type == VACCEL_BLOB_FILE) ? blob->path
                                                                              : nullptr;
}

}  // extern "C"
