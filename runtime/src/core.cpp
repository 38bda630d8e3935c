// SPDX-License-Identifier: Apache-2.0
// Runtime lifetime: bootstrap (lazy from the environment, or explicit),
// cleanup, run directory, and the configuration snapshot.
#include "internal.hpp"

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <unistd.h>

namespace vaccel_rt {
int log_configure(vaccel_log_level_t level, const char *file);

namespace {

struct Core {
	// Serializes bootstrap/cleanup; never held while calling plugins'
	// op functions (only their init/fini during load/unload).
	std::mutex mu;
	std::atomic<bool> initialized{false};
	config_t config{};
	std::mutex dir_mu; // guards rundir (plugins may ask for it in init)
	std::string rundir;
	std::shared_ptr<const ConfigView> view = std::make_shared<ConfigView>();
	std::mutex view_mu;
};

Core &core()
{
	static auto *c = new Core; // never destroyed: used from exit paths
	return *c;
}

std::vector<std::string> split_colon(const char *s)
{
	std::vector<std::string> out;
	if (!s)
		return out;
	std::stringstream ss(s);
	std::string item;
	while (std::getline(ss, item, ':'))
		if (!item.empty())
			out.push_back(item);
	return out;
}

std::string create_rundir()
{
	std::string base = "/tmp";
	if (const char *x = getenv("XDG_RUNTIME_DIR");
	    x && *x && access(x, W_OK) == 0)
		base = x;
	std::string tmpl = base + "/vaccel.XXXXXX";
	std::vector<char> buf(tmpl.begin(), tmpl.end());
	buf.push_back('\0');
	if (!mkdtemp(buf.data()))
		return {};
	return buf.data();
}

void remove_rundir(Core &c)
{
	std::lock_guard<std::mutex> l(c.dir_mu);
	if (c.rundir.empty())
		return;
	std::error_code ec;
	std::filesystem::remove_all(c.rundir, ec);
	c.rundir.clear();
}

// Called with c.mu held.
int do_bootstrap(Core &c, const config_t *cfg)
{
	int ret = vaccel_config_init_from(&c.config, cfg);
	if (ret)
		return ret;
	log_configure(c.config.log_level, c.config.log_file);
	vaccel_config_print_debug(&c.config);

	auto view = std::make_shared<ConfigView>();
	view->profiling_enabled = c.config.profiling_enabled;
	view->version_ignore = c.config.version_ignore;
	for (const std::string &p : split_colon(c.config.exec_allowlist)) {
		std::error_code ec;
		auto canon = std::filesystem::weakly_canonical(p, ec);
		view->exec_allowlist.push_back(ec ? p : canon.string());
	}
	{
		std::lock_guard<std::mutex> l(c.view_mu);
		c.view = view;
	}
	{
		std::lock_guard<std::mutex> l(c.dir_mu);
		if (c.rundir.empty())
			c.rundir = create_rundir();
	}
	c.initialized = true;
	// Plugins are loaded after `initialized` is set because their init()
	// may call back into the API (config, logging, registration).
	return load_plugin_list(c.config.plugins);
}

// Called with c.mu held.
int do_cleanup(Core &c, bool force)
{
	if (!c.initialized)
		return VACCEL_OK;
	if (!force && (live_session_count() || live_resource_count()))
		return fail(VACCEL_EBUSY,
			    "vaccel_cleanup: %zu session(s) and %zu resource(s) "
			    "still alive",
			    live_session_count(), live_resource_count());
	op_prof_print_all();
	unload_all_plugins();
	remove_rundir(c);
	vaccel_config_release(&c.config);
	{
		std::lock_guard<std::mutex> l(c.view_mu);
		c.view = std::make_shared<ConfigView>();
	}
	c.initialized = false;
	return VACCEL_OK;
}

struct ExitHook {
	~ExitHook()
	{
		// At exit only the run directory is removed: plugins may already
		// have run their own static destructors, so calling their fini()
		// or dlclose()ing them now would be unsafe.
		remove_rundir(core());
	}
} exit_hook;

} // namespace

int ensure_bootstrapped()
{
	Core &c = core();
	if (c.initialized.load(std::memory_order_acquire))
		return VACCEL_OK;
	return vaccel_bootstrap();
}

std::shared_ptr<const ConfigView> config_view()
{
	Core &c = core();
	std::lock_guard<std::mutex> l(c.view_mu);
	return c.view;
}

std::string make_subdir(const std::string &name)
{
	Core &c = core();
	std::string base;
	{
		std::lock_guard<std::mutex> l(c.dir_mu);
		if (c.rundir.empty())
			c.rundir = create_rundir();
		base = c.rundir;
	}
	if (base.empty())
		return {};
	std::string dir = base + "/" + name;
	std::error_code ec;
	std::filesystem::create_directories(dir, ec);
	return ec ? std::string() : dir;
}

} // namespace vaccel_rt

using namespace vaccel_rt;

extern "C" {

int vaccel_bootstrap(void)
{
	Core &c = core();
	std::lock_guard<std::mutex> l(c.mu);
	if (c.initialized)
		return VACCEL_OK;
	config_t cfg{};
	int ret = vaccel_config_init_from_env(&cfg);
	if (ret)
		return ret;
	ret = do_bootstrap(c, &cfg);
	vaccel_config_release(&cfg);
	return ret;
}

int vaccel_bootstrap_with_config(const struct vaccel_config *config)
{
	begin_call();
	if (!config)
		return fail(VACCEL_EINVAL,
			    "vaccel_bootstrap_with_config: NULL config");
	if (config->log_level < VACCEL_LOG_ERROR ||
	    config->log_level > VACCEL_LOG_DEBUG)
		return fail(VACCEL_EINVAL,
			    "vaccel_bootstrap_with_config: bad log level %d",
			    config->log_level);
	Core &c = core();
	std::lock_guard<std::mutex> l(c.mu);
	int ret = do_cleanup(c, false);
	if (ret)
		return ret;
	return do_bootstrap(c, config);
}

int vaccel_cleanup(void)
{
	begin_call();
	Core &c = core();
	std::lock_guard<std::mutex> l(c.mu);
	return do_cleanup(c, false);
}

bool vaccel_is_initialized(void)
{
	return core().initialized.load();
}

const char *vaccel_rundir(void)
{
	Core &c = core();
	std::lock_guard<std::mutex> l(c.dir_mu);
	return c.rundir.empty() ? nullptr : c.rundir.c_str();
}

const struct vaccel_config *vaccel_config(void)
{
	Core &c = core();
	return c.initialized ? &c.config : nullptr;
}

bool vaccel_exec_path_allowed(const char *path)
{
	if (!path)
		return false;
	auto view = config_view();
	if (view->exec_allowlist.empty())
		return true;
	std::error_code ec;
	auto canon = std::filesystem::weakly_canonical(path, ec);
	const std::string p = ec ? std::string(path) : canon.string();
	for (const std::string &a : view->exec_allowlist)
		if (a == p)
			return true;
	return false;
}

bool vaccel_prof_enabled(void)
{
	return config_view()->profiling_enabled;
}

} // extern "C"
