// SPDX-License-Identifier: Apache-2.0
// Blobs: one named file or memory buffer of a resource.
#include "internal.hpp"

#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

namespace {

int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return VACCEL_EIO;
		}
		p += w;
		n -= static_cast<size_t>(w);
	}
	return VACCEL_OK;
}

// A file name must be a plain name: no directories, no "..".
bool safe_name(const char *n)
{
	return n && *n && !strchr(n, '/') && strcmp(n, ".") && strcmp(n, "..");
}

} // namespace

extern "C" {

int vaccel_blob_init(struct vaccel_blob *blob, const char *path)
{
	if (!blob || !path || !*path)
		return VACCEL_EINVAL;
	struct stat st;
	if (stat(path, &st) != 0)
		return VACCEL_ENOENT;
	if (!S_ISREG(st.st_mode))
		return VACCEL_EINVAL;
	*blob = vaccel_blob{};
	std::string base = std::filesystem::path(path).filename().string();
	blob->name = strdup(base.empty() ? "file" : base.c_str());
	blob->path = strdup(path);
	if (!blob->name || !blob->path) {
		free(blob->name);
		free(blob->path);
		*blob = vaccel_blob{};
		return VACCEL_ENOMEM;
	}
	blob->type = VACCEL_BLOB_FILE;
	// As upstream: size (and data) stay 0 until the blob is read.
	blob->size = 0;
	return VACCEL_OK;
}

int vaccel_blob_persist(struct vaccel_blob *blob, const char *dir,
			const char *filename, bool randomize)
{
	if (!blob || !dir || !safe_name(filename) || (!blob->data && blob->size))
		return VACCEL_EINVAL;
	std::string path = std::string(dir) + "/" + filename;
	int fd;
	if (randomize) {
		path += ".XXXXXX";
		std::vector<char> tmpl(path.begin(), path.end());
		tmpl.push_back('\0');
		fd = mkstemp(tmpl.data());
		path = tmpl.data();
	} else {
		fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
			  0600);
	}
	if (fd < 0)
		return errno == EEXIST ? VACCEL_EEXIST : VACCEL_EIO;
	int ret = write_all(fd, blob->data, blob->size);
	close(fd);
	if (ret) {
		unlink(path.c_str());
		return ret;
	}
	char *p = strdup(path.c_str());
	if (!p) {
		unlink(path.c_str());
		return VACCEL_ENOMEM;
	}
	if (blob->path_owned && blob->path)
		unlink(blob->path);
	free(blob->path);
	blob->path = p;
	blob->path_owned = true;
	blob->type = VACCEL_BLOB_MAPPED;
	return VACCEL_OK;
}

int vaccel_blob_init_from_buf(struct vaccel_blob *blob, const uint8_t *buf,
			      size_t size, bool own, const char *filename,
			      const char *dir, bool randomize)
{
	if (!blob || !buf || !size || !safe_name(filename))
		return VACCEL_EINVAL;
	*blob = vaccel_blob{};
	blob->name = strdup(filename);
	if (!blob->name)
		return VACCEL_ENOMEM;
	if (own) {
		blob->data = static_cast<uint8_t *>(malloc(size));
		if (!blob->data) {
			free(blob->name);
			*blob = vaccel_blob{};
			return VACCEL_ENOMEM;
		}
		memcpy(blob->data, buf, size);
		blob->data_owned = true;
	} else {
		blob->data = const_cast<uint8_t *>(buf);
	}
	blob->size = size;
	blob->type = VACCEL_BLOB_BUFFER;
	if (dir) {
		int ret = vaccel_blob_persist(blob, dir, filename, randomize);
		if (ret) {
			vaccel_blob_release(blob);
			return ret;
		}
	}
	return VACCEL_OK;
}

int vaccel_blob_release(struct vaccel_blob *blob)
{
	if (!blob)
		return VACCEL_EINVAL;
	if (blob->path_owned && blob->path)
		unlink(blob->path);
	if (blob->data_owned)
		free(blob->data);
	free(blob->path);
	free(blob->name);
	*blob = vaccel_blob{};
	return VACCEL_OK;
}

int vaccel_blob_new(struct vaccel_blob **blob, const char *path)
{
	if (!blob)
		return VACCEL_EINVAL;
	auto *b = static_cast<vaccel_blob *>(calloc(1, sizeof(vaccel_blob)));
	if (!b)
		return VACCEL_ENOMEM;
	int ret = vaccel_blob_init(b, path);
	if (ret) {
		free(b);
		return ret;
	}
	*blob = b;
	return VACCEL_OK;
}

int vaccel_blob_from_buf(struct vaccel_blob **blob, const uint8_t *buf,
			 size_t size, bool own, const char *filename,
			 const char *dir, bool randomize)
{
	if (!blob)
		return VACCEL_EINVAL;
	auto *b = static_cast<vaccel_blob *>(calloc(1, sizeof(vaccel_blob)));
	if (!b)
		return VACCEL_ENOMEM;
	int ret = vaccel_blob_init_from_buf(b, buf, size, own, filename, dir,
					    randomize);
	if (ret) {
		free(b);
		return ret;
	}
	*blob = b;
	return VACCEL_OK;
}

int vaccel_blob_delete(struct vaccel_blob *blob)
{
	int ret = vaccel_blob_release(blob);
	if (ret)
		return ret;
	free(blob);
	return VACCEL_OK;
}

bool vaccel_blob_initialized(struct vaccel_blob *blob)
{
	return blob && blob->type < VACCEL_BLOB_MAX && blob->name;
}

bool vaccel_blob_valid(const struct vaccel_blob *blob)
{
	return blob && blob->type < VACCEL_BLOB_MAX && blob->name &&
	       (blob->path || (blob->size && blob->data));
}

int vaccel_blob_read(struct vaccel_blob *blob)
{
	if (!vaccel_blob_initialized(blob))
		return VACCEL_EINVAL;
	// Plugins may load the same blob from several threads at once.
	static std::mutex read_mu;
	std::lock_guard<std::mutex> lock(read_mu);
	if (blob->data)
		return VACCEL_OK;
	if (!blob->path)
		return VACCEL_EINVAL;
	int fd = open(blob->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return VACCEL_ENOENT;
	struct stat st;
	if (fstat(fd, &st) != 0) {
		close(fd);
		return VACCEL_EIO;
	}
	size_t size = static_cast<size_t>(st.st_size);
	auto *data = static_cast<uint8_t *>(malloc(size ? size : 1));
	if (!data) {
		close(fd);
		return VACCEL_ENOMEM;
	}
	size_t got = 0;
	while (got < size) {
		ssize_t r = read(fd, data + got, size - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += static_cast<size_t>(r);
	}
	close(fd);
	if (got != size) {
		free(data);
		return VACCEL_EIO;
	}
	blob->data = data;
	blob->size = size;
	blob->data_owned = true;
	return VACCEL_OK;
}

uint8_t *vaccel_blob_data(struct vaccel_blob *blob, size_t *size)
{
	if (vaccel_blob_read(blob) != VACCEL_OK)
		return nullptr;
	if (size)
		*size = blob->size;
	return blob->data;
}

const char *vaccel_blob_path(struct vaccel_blob *blob)
{
	return blob ? blob->path : nullptr;
}

} // extern "C"
