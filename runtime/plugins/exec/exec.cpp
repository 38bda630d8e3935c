// SPDX-License-Identifier: Apache-2.0
// The exec plugin: dlopen a library and call
//   int fn(struct vaccel_arg *read, size_t nr_read,
//          struct vaccel_arg *write, size_t nr_write)
// A non-zero return becomes VACCEL_ENOEXEC. When an allow-list is configured
// (VACCEL_EXEC_ALLOWLIST / vaccel_config.exec_allowlist) only listed library
// paths may be loaded, and libraries held only in memory are refused.
#include <vaccel.h>

#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <string>
#include <utility>
#include <sys/mman.h>
#include <unistd.h>
#include <vector>

namespace {

using exec_fn = int (*)(vaccel_arg *, size_t, vaccel_arg *, size_t);

// ---- upstream 0.8 environment (issue 10), kept apart from the allow-list
// logic: VACCEL_EXEC_DLOPEN_MODE=lazy binds a library's symbols lazily
// (RTLD_LAZY) instead of at load (RTLD_NOW). Libraries are always dlclose()d
// after each call, i.e. as upstream with VACCEL_EXEC_DLCLOSE_ENABLED=1.
static int dlopen_mode()
{
	const char *m = getenv("VACCEL_EXEC_DLOPEN_MODE");
	return (m && !strcmp(m, "lazy")) ? RTLD_LAZY : RTLD_NOW;
}
// ---- end of upstream environment

// dlopen handle that closes itself.
struct Lib {
	void *h = nullptr;
	Lib() = default;
	explicit Lib(void *p) : h(p) {}
	Lib(Lib &&o) noexcept : h(o.h) { o.h = nullptr; }
	Lib(const Lib &) = delete;
	Lib &operator=(Lib &&o) noexcept
	{
		std::swap(h, o.h);
		return *this;
	}
	~Lib()
	{
		if (h)
			dlclose(h);
	}
};

int call(void *handle, const char *sym, vaccel_arg *read, size_t nr_read,
	 vaccel_arg *write, size_t nr_write)
{
	dlerror();
	auto fn = reinterpret_cast<exec_fn>(dlsym(handle, sym));
	if (!fn) {
		vaccel_error("[exec] symbol %s not found", sym);
		return VACCEL_EINVAL;
	}
	int ret = fn(read, nr_read, write, nr_write);
	if (ret) {
		vaccel_error("[exec] %s returned %d", sym, ret);
		return VACCEL_ENOEXEC;
	}
	return VACCEL_OK;
}

int open_checked(const char *path, int flags, Lib &out)
{
	if (!vaccel_exec_path_allowed(path)) {
		vaccel_error("[exec] %s is not in the exec allow-list", path);
		return VACCEL_EPERM;
	}
	void *h = dlopen(path, flags);
	if (!h) {
		vaccel_error("[exec] cannot load %s: %s", path, dlerror());
		return VACCEL_EINVAL;
	}
	out = Lib(h);
	return VACCEL_OK;
}

int exec_exec(vaccel_session *sess, const char *library, const char *sym,
	      vaccel_arg *read, size_t nr_read, vaccel_arg *write,
	      size_t nr_write)
{
	vaccel_debug("[exec] session %lld: %s:%s",
		     static_cast<long long>(sess->id), library, sym);
	Lib lib;
	if (int ret = open_checked(library, dlopen_mode() | RTLD_LOCAL, lib))
		return ret;
	return call(lib.h, sym, read, nr_read, write, nr_write);
}

// Loads one blob: by path when it has one, otherwise from memory through a
// memfd (refused when an allow-list is active).
int open_blob(vaccel_blob *b, int flags, Lib &out)
{
	if (b->path)
		return open_checked(b->path, flags, out);
	if (!vaccel_exec_path_allowed("")) {
		vaccel_error("[exec] in-memory library %s refused: an exec "
			     "allow-list is configured",
			     b->name);
		return VACCEL_EPERM;
	}
	size_t size = 0;
	uint8_t *data = vaccel_blob_data(b, &size);
	if (!data)
		return VACCEL_EINVAL;
	int fd = memfd_create(b->name, MFD_CLOEXEC);
	if (fd < 0)
		return VACCEL_EIO;
	size_t off = 0;
	while (off < size) {
		ssize_t w = write(fd, data + off, size - off);
		if (w <= 0) {
			close(fd);
			return VACCEL_EIO;
		}
		off += static_cast<size_t>(w);
	}
	std::string path = "/proc/self/fd/" + std::to_string(fd);
	void *h = dlopen(path.c_str(), flags);
	close(fd); // the mapping keeps the contents alive
	if (!h) {
		vaccel_error("[exec] cannot load in-memory %s: %s", b->name,
			     dlerror());
		return VACCEL_EINVAL;
	}
	out = Lib(h);
	return VACCEL_OK;
}

// blobs[0] is the library; blobs[1..] are its dependencies, loaded first
// with RTLD_GLOBAL so that blobs[0] can resolve against them.
int exec_res(vaccel_session *sess, vaccel_resource *res, const char *sym,
	     vaccel_arg *read, size_t nr_read, vaccel_arg *write,
	     size_t nr_write)
{
	vaccel_debug("[exec] session %lld: resource %lld:%s",
		     static_cast<long long>(sess->id),
		     static_cast<long long>(res->id), sym);
	if (!res->nr_blobs)
		return VACCEL_EINVAL;
	std::vector<Lib> deps;
	for (size_t i = res->nr_blobs; i-- > 1;) {
		Lib dep;
		if (int ret = open_blob(res->blobs[i], dlopen_mode() | RTLD_GLOBAL,
					dep))
			return ret;
		deps.push_back(std::move(dep));
	}
	Lib lib;
	if (int ret = open_blob(res->blobs[0], dlopen_mode() | RTLD_LOCAL, lib))
		return ret;
	return call(lib.h, sym, read, nr_read, write, nr_write);
}

int exec_init()
{
	static vaccel_op ops[] = {
		VACCEL_OP_INIT(ops[0], VACCEL_OP_EXEC, exec_exec),
		VACCEL_OP_INIT(ops[1], VACCEL_OP_EXEC_WITH_RESOURCE, exec_res),
	};
	return vaccel_plugin_register_ops(ops, sizeof(ops) / sizeof(ops[0]));
}

int exec_fini()
{
	return VACCEL_OK;
}

} // namespace

VACCEL_PLUGIN(.name = "exec", .version = VACCEL_VERSION,
	      .vaccel_version = VACCEL_VERSION, .init = exec_init,
	      .fini = exec_fini,
	      .type = VACCEL_PLUGIN_SOFTWARE | VACCEL_PLUGIN_GENERIC |
		      VACCEL_PLUGIN_CPU)
