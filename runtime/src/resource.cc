// SPDX-License-Identifier: Apache-2.0
// Resources: creation from files/dirs/buffers/blobs, registration with
// sessions (with plugin hooks) and lookups.
#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "internal.hh"

namespace fs = std::filesystem;

namespace vaccel_rt {

namespace {

struct Resources {
  std::shared_mutex mu;
  std::unordered_map<vaccel_id_t, ResourcePtr> live;
  // Live resources' public `entry` nodes are linked here (upstream's
  // layout shows them linked); guarded by `mu`.
  vaccel_list_entry all{&all, &all};
};

Resources &resources() {
  static auto *r = new Resources;
  return *r;
}

void set_refcount(vaccel_resource *r, unsigned v) {
  r->refcount.store(v, std::memory_order_release);
}

// All fields zero, the list heads of upstream's layout empty (our registry
// is elsewhere). The struct holds an atomic, so it is not assignable.
void reset_resource(vaccel_resource *res) {
  memset(static_cast<void *>(res), 0, sizeof(*res));
  res->entry.next = res->entry.prev = &res->entry;
  res->sessions.next = res->sessions.prev = &res->sessions;
}

}  // namespace

ResourcePtr find_resource(const vaccel_resource *res) {
  if (!res || res->id <= 0) return nullptr;
  Resources &rs = resources();
  std::shared_lock<std::shared_mutex> l(rs.mu);
  auto it = rs.live.find(res->id);
  if (it == rs.live.end() || it->second->pub != res) return nullptr;
  return it->second;
}

size_t live_resource_count() {
  Resources &rs = resources();
  std::shared_lock<std::shared_mutex> l(rs.mu);
  return rs.live.size();
}

namespace {

bool registered(const SessionPtr &s, const ResourcePtr &r) {
  std::lock_guard<std::mutex> l(s->mu);
  return s->resources.count(r->id) != 0;
}

void unregister_hooks(vaccel_resource *res, vaccel_session *sess,
                      const std::vector<PluginPtr> &ps) {
  for (auto it = ps.rbegin(); it != ps.rend(); ++it)
    if (auto fn = (*it)->desc->info->resource_unregister)
      if (int ret = fn(res, sess))
        vaccel_warn(
            "plugin %s: resource_unregister "
            "returned %d",
            (*it)->name, ret);
}

// Mirrors a registration in the session struct's public per-type list and
// counter (called with s.mu held).
void link_public(SessionState &s, const vaccel_resource *res) {
  vaccel_session *sess = s.pub;
  auto *node = new vaccel_list_entry;
  pthread_mutex_lock(&sess->resources_lock);
  vaccel_list_entry *head = &sess->resources[res->type];
  node->next = head;
  node->prev = head->prev;
  head->prev->next = node;
  head->prev = node;
  sess->resource_counts[res->type]++;
  pthread_mutex_unlock(&sess->resources_lock);
  s.pub_nodes[res->id] = node;
}

void unlink_public(SessionState &s, vaccel_id_t id, vaccel_resource_type_t type) {
  auto it = s.pub_nodes.find(id);
  if (it == s.pub_nodes.end()) return;
  vaccel_session *sess = s.pub;
  vaccel_list_entry *node = it->second;
  pthread_mutex_lock(&sess->resources_lock);
  node->prev->next = node->next;
  node->next->prev = node->prev;
  if (type >= 0 && type < VACCEL_RESOURCE_MAX && sess->resource_counts[type])
    sess->resource_counts[type]--;
  pthread_mutex_unlock(&sess->resources_lock);
  delete node;
  s.pub_nodes.erase(it);
}

// Drops the (s, r) pair from both sides' bookkeeping.
void unlink_pair(SessionState &s, ResourceState &r) {
  {
    std::lock_guard<std::mutex> l(s.mu);
    s.resources.erase(r.id);
    unlink_public(s, r.id, r.pub->type);
  }
  std::lock_guard<std::mutex> l(r.mu);
  r.sessions.erase(s.id);
  set_refcount(r.pub, static_cast<unsigned>(r.sessions.size()));
}

}  // namespace

void session_forget_resources(SessionState &s) {
  std::set<vaccel_id_t> ids;
  {
    std::lock_guard<std::mutex> l(s.mu);
    ids = s.resources;
  }
  for (vaccel_id_t id : ids) {
    ResourcePtr r;
    {
      Resources &rs = resources();
      std::shared_lock<std::shared_mutex> l(rs.mu);
      auto it = rs.live.find(id);
      if (it != rs.live.end()) r = it->second;
    }
    if (!r) continue;
    unregister_hooks(r->pub, s.pub, hook_targets(s));
    unlink_pair(s, *r);
  }
}

int check_model(const char *api, const SessionPtr &s, const vaccel_resource *res,
                vaccel_resource_type_t type) {
  if (!res) return fail(VACCEL_EINVAL, "%s: NULL resource", api);
  ResourcePtr r = find_resource(res);
  if (!r)
    return fail(VACCEL_EINVAL, "%s: resource %lld is not initialized", api,
                static_cast<long long>(res->id));
  if (res->type != type)
    return fail(VACCEL_EINVAL, "%s: resource %lld is %s, expected %s", api,
                static_cast<long long>(res->id), vaccel_resource_type_to_base_str(res->type),
                vaccel_resource_type_to_base_str(type));
  if (!registered(s, r))
    return fail(VACCEL_EPERM,
                "%s: resource %lld is not registered with session "
                "%lld",
                api, static_cast<long long>(res->id), static_cast<long long>(s->id));
  return VACCEL_OK;
}

}  // namespace vaccel_rt

using namespace vaccel_rt;

namespace {

char *dup_s(const std::string &s) { return strdup(s.c_str()); }

// Frees everything a (partially) initialized resource owns.
void free_contents(vaccel_resource *res) {
  for (size_t i = 0; i < res->nr_blobs; ++i)
    if (res->blobs[i]) vaccel_blob_delete(res->blobs[i]);
  free(res->blobs);
  for (size_t i = 0; i < res->nr_paths; ++i) free(res->paths[i]);
  free(res->paths);
  if (res->rundir) {
    std::error_code ec;
    fs::remove_all(res->rundir, ec);
    free(res->rundir);
  }
}

bool valid_type(vaccel_resource_type_t t) {
  return t >= VACCEL_RESOURCE_LIB && t < VACCEL_RESOURCE_MAX;
}

// Starts initialization: fresh id and zeroed fields.
void begin_init(vaccel_resource *res, vaccel_resource_type_t type) {
  reset_resource(res);
  // Resource ids count separately from session ids, as upstream's.
  static std::atomic<vaccel_id_t> last_id{0};
  res->id = ++last_id;
  res->type = type;
}

// Publishes an initialized resource.
int publish(vaccel_resource *res) {
  auto st = std::make_shared<ResourceState>();
  st->id = res->id;
  st->pub = res;
  pthread_mutex_init(&res->sessions_lock, nullptr);
  Resources &rs = resources();
  std::unique_lock<std::shared_mutex> l(rs.mu);
  rs.live.emplace(st->id, st);
  res->entry.next = &rs.all;
  res->entry.prev = rs.all.prev;
  rs.all.prev->next = &res->entry;
  rs.all.prev = &res->entry;
  return VACCEL_OK;
}

int abort_init(vaccel_resource *res, int code) {
  free_contents(res);
  reset_resource(res);
  return code;
}

int set_paths(vaccel_resource *res, const std::vector<std::string> &paths) {
  res->paths = static_cast<char **>(calloc(paths.size(), sizeof(char *)));
  if (!res->paths && !paths.empty()) return VACCEL_ENOMEM;
  for (const auto &p : paths) {
    res->paths[res->nr_paths] = dup_s(p);
    if (!res->paths[res->nr_paths]) return VACCEL_ENOMEM;
    ++res->nr_paths;
  }
  return VACCEL_OK;
}

int alloc_blobs(vaccel_resource *res, size_t n) {
  res->blobs = static_cast<vaccel_blob **>(calloc(n ? n : 1, sizeof(vaccel_blob *)));
  return res->blobs ? VACCEL_OK : VACCEL_ENOMEM;
}

int add_file_blob(vaccel_resource *res, const std::string &path, const std::string &name) {
  vaccel_blob *b = nullptr;
  int ret = vaccel_blob_new(&b, path.c_str());
  if (ret) return ret;
  if (!name.empty()) {
    char *n = dup_s(name);
    if (!n) {
      vaccel_blob_delete(b);
      return VACCEL_ENOMEM;
    }
    free(b->name);
    b->name = n;
  }
  res->blobs[res->nr_blobs++] = b;
  return VACCEL_OK;
}

std::string ensure_rundir(vaccel_resource *res) {
  if (res->rundir) return res->rundir;
  std::string d = make_subdir("resource." + std::to_string(res->id));
  if (!d.empty()) res->rundir = dup_s(d);
  return d;
}

bool is_remote_path(const char *p) {
  return !strncmp(p, "http://", 7) || !strncmp(p, "https://", 8);
}

// Makes the blobs of a path resource from its paths (once): one per file,
// or one per regular file below a directory, named by its relative path.
int load_path_blobs(vaccel_resource *res) {
  static std::mutex mu;  // two sessions may register it at once
  std::lock_guard<std::mutex> l(mu);
  if (res->blobs || !res->nr_paths) return VACCEL_OK;
  std::vector<std::pair<std::string, std::string>> files;
  if (res->path_type == VACCEL_PATH_LOCAL_DIR) {
    const char *path = res->paths[0];
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(path, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
      if (it->is_regular_file())
        files.emplace_back(it->path().string(), fs::relative(it->path(), path).string());
    if (ec) return VACCEL_EIO;
    std::sort(files.begin(), files.end(), [](auto &a, auto &b) { return a.second < b.second; });
  } else {
    for (size_t i = 0; i < res->nr_paths; ++i) files.emplace_back(res->paths[i], "");
  }
  int ret = alloc_blobs(res, files.size());
  for (size_t i = 0; !ret && i < files.size(); ++i)
    ret = add_file_blob(res, files[i].first, files[i].second);
  if (ret) {
    for (size_t i = 0; i < res->nr_blobs; ++i) vaccel_blob_delete(res->blobs[i]);
    free(res->blobs);
    res->blobs = nullptr;
    res->nr_blobs = 0;
  }
  return ret;
}

}  // namespace

extern "C" {

int vaccel_resource_init(struct vaccel_resource *res, const char *path,
                         vaccel_resource_type_t type) {
  return vaccel_resource_init_multi(res, &path, 1, type);
}

// As upstream 0.8, a resource made from paths records only the paths (and
// whether they name files or one directory); its blobs are made when it is
// first registered with a session (load_path_blobs()).
int vaccel_resource_init_multi(struct vaccel_resource *res, const char **paths, size_t nr_paths,
                               vaccel_resource_type_t type) {
  begin_call();
  if (!res || !paths || !nr_paths || !valid_type(type))
    return fail(VACCEL_EINVAL, "vaccel_resource_init_multi: invalid argument");
  res->paths = nullptr;
  res->nr_paths = 0;
  ensure_bootstrapped();
  std::vector<std::string> v;
  bool dir = false;
  for (size_t i = 0; i < nr_paths; ++i) {
    if (!paths[i] || !*paths[i])
      return fail(VACCEL_EINVAL, "vaccel_resource_init_multi: path %zu is empty", i);
    if (is_remote_path(paths[i]))
      return fail(VACCEL_ENOTSUP,
                  "vaccel_resource_init: remote paths (%s) are "
                  "not supported: no network access",
                  paths[i]);
    struct stat st;
    if (stat(paths[i], &st) != 0)
      return fail(VACCEL_EINVAL, "vaccel_resource_init: %s: no such file", paths[i]);
    if (S_ISDIR(st.st_mode)) {
      if (nr_paths > 1)
        return fail(VACCEL_ENOTSUP,
                    "vaccel_resource_init_multi: "
                    "directories cannot be combined");
      dir = true;
    } else if (!S_ISREG(st.st_mode)) {
      return fail(VACCEL_EINVAL,
                  "vaccel_resource_init: %s is not a file or "
                  "directory",
                  paths[i]);
    }
    v.emplace_back(paths[i]);
  }
  begin_init(res, type);
  res->path_type = dir ? VACCEL_PATH_LOCAL_DIR : VACCEL_PATH_LOCAL_FILE;
  if (int ret = set_paths(res, v)) return abort_init(res, ret);
  return publish(res);
}

int vaccel_resource_init_from_buf(struct vaccel_resource *res, const void *buf, size_t nr_bytes,
                                  vaccel_resource_type_t type, const char *filename,
                                  bool mem_only) {
  begin_call();
  if (!res || !buf || !nr_bytes || !valid_type(type))
    return fail(VACCEL_EINVAL, "vaccel_resource_init_from_buf: invalid argument");
  const char *name = filename ? filename : "file";
  if (strchr(name, '/') || !strcmp(name, "..") || !strcmp(name, "."))
    return fail(VACCEL_EINVAL, "vaccel_resource_init_from_buf: bad file name '%s'", name);
  ensure_bootstrapped();
  begin_init(res, type);
  int ret = alloc_blobs(res, 1);
  if (ret) return abort_init(res, ret);
  std::string dir;
  if (!mem_only) {
    dir = ensure_rundir(res);
    if (dir.empty())
      return abort_init(res, fail(VACCEL_EIO,
                                  "vaccel_resource_init_from_buf:"
                                  " cannot create rundir"));
  }
  vaccel_blob *b = nullptr;
  // As upstream: a memory-only resource borrows the caller's buffer; an
  // unnamed one gets a random file name.
  ret = vaccel_blob_from_buf(&b, static_cast<const uint8_t *>(buf), nr_bytes, false, name,
                             mem_only ? nullptr : dir.c_str(), !filename);
  if (ret) return abort_init(res, ret);
  res->blobs[res->nr_blobs++] = b;
  res->path_type = VACCEL_PATH_LOCAL_FILE;
  return publish(res);
}

int vaccel_resource_init_from_blobs(struct vaccel_resource *res, const struct vaccel_blob **blobs,
                                    size_t nr_blobs, vaccel_resource_type_t type) {
  begin_call();
  if (!res || !blobs || !nr_blobs || !valid_type(type))
    return fail(VACCEL_EINVAL, "vaccel_resource_init_from_blobs: invalid argument");
  bool need_rundir = false;
  for (size_t i = 0; i < nr_blobs; ++i) {
    if (!vaccel_blob_valid(blobs[i])) {
      res->blobs = nullptr;
      res->nr_blobs = 0;
      return fail(VACCEL_EINVAL,
                  "vaccel_resource_init_from_blobs: blob %zu "
                  "is not valid",
                  i);
    }
    need_rundir |= blobs[i]->type != VACCEL_BLOB_BUFFER;
  }
  ensure_bootstrapped();
  begin_init(res, type);
  int ret = alloc_blobs(res, nr_blobs);
  // As upstream: FILE blobs are referenced by path, BUFFER blobs stay in
  // memory (borrowed unless the source owns its data), MAPPED blobs are
  // persisted again in the resource's own run directory.
  std::string dir;
  if (!ret && need_rundir) {
    dir = ensure_rundir(res);
    if (dir.empty()) ret = VACCEL_EIO;
  }
  for (size_t i = 0; !ret && i < nr_blobs; ++i) {
    const vaccel_blob *src = blobs[i];
    vaccel_blob *b = nullptr;
    if (src->type == VACCEL_BLOB_FILE)
      ret = vaccel_blob_new(&b, src->path);
    else
      ret = vaccel_blob_from_buf(&b, src->data, src->size, src->data_owned, src->name,
                                 src->type == VACCEL_BLOB_BUFFER ? nullptr : dir.c_str(), false);
    if (!ret) res->blobs[res->nr_blobs++] = b;
  }
  if (ret)
    return abort_init(res, fail(ret,
                                "vaccel_resource_init_from_blobs: "
                                "failed (%d)",
                                ret));
  res->path_type = VACCEL_PATH_LOCAL_FILE;
  return publish(res);
}

int vaccel_resource_release(struct vaccel_resource *res) {
  begin_call();
  if (!res) return fail(VACCEL_EINVAL, "vaccel_resource_release: NULL");
  // As upstream: a resource still registered is first unregistered from
  // each of its sessions.
  if (ResourcePtr r = find_resource(res)) {
    std::vector<vaccel_id_t> ids;
    {
      std::lock_guard<std::mutex> rl(r->mu);
      ids.assign(r->sessions.begin(), r->sessions.end());
    }
    for (vaccel_id_t id : ids) {
      vaccel_session *sess = nullptr;
      if (vaccel_session_get_by_id(&sess, id) == VACCEL_OK)
        if (int ret = vaccel_resource_unregister(res, sess)) return ret;
    }
  }
  Resources &rs = resources();
  {
    std::unique_lock<std::shared_mutex> l(rs.mu);
    auto it = rs.live.find(res->id);
    if (res->id <= 0 || it == rs.live.end() || it->second->pub != res)
      return fail(VACCEL_EINVAL,
                  "vaccel_resource_release: resource %lld is "
                  "not initialized",
                  static_cast<long long>(res->id));
    ResourcePtr r = it->second;
    std::lock_guard<std::mutex> rl(r->mu);
    if (!r->sessions.empty())
      return fail(VACCEL_EBUSY,
                  "vaccel_resource_release: resource %lld is "
                  "registered with %zu session(s)",
                  static_cast<long long>(res->id), r->sessions.size());
    rs.live.erase(it);
    res->entry.prev->next = res->entry.next;
    res->entry.next->prev = res->entry.prev;
  }
  pthread_mutex_destroy(&res->sessions_lock);
  free_contents(res);
  reset_resource(res);
  return VACCEL_OK;
}

int vaccel_resource_new(struct vaccel_resource **res, const char *path,
                        vaccel_resource_type_t type) {
  if (!res) return VACCEL_EINVAL;
  auto *r = static_cast<vaccel_resource *>(calloc(1, sizeof(vaccel_resource)));
  if (!r) return VACCEL_ENOMEM;
  int ret = vaccel_resource_init(r, path, type);
  if (ret) {
    free(r);
    return ret;
  }
  *res = r;
  return VACCEL_OK;
}

int vaccel_resource_multi_new(struct vaccel_resource **res, const char **paths, size_t nr_paths,
                              vaccel_resource_type_t type) {
  if (!res) return VACCEL_EINVAL;
  auto *r = static_cast<vaccel_resource *>(calloc(1, sizeof(vaccel_resource)));
  if (!r) return VACCEL_ENOMEM;
  int ret = vaccel_resource_init_multi(r, paths, nr_paths, type);
  if (ret) {
    free(r);
    return ret;
  }
  *res = r;
  return VACCEL_OK;
}

int vaccel_resource_from_buf(struct vaccel_resource **res, const void *buf, size_t nr_bytes,
                             vaccel_resource_type_t type, const char *filename, bool mem_only) {
  if (!res) return VACCEL_EINVAL;
  auto *r = static_cast<vaccel_resource *>(calloc(1, sizeof(vaccel_resource)));
  if (!r) return VACCEL_ENOMEM;
  int ret = vaccel_resource_init_from_buf(r, buf, nr_bytes, type, filename, mem_only);
  if (ret) {
    free(r);
    return ret;
  }
  *res = r;
  return VACCEL_OK;
}

int vaccel_resource_from_blobs(struct vaccel_resource **res, const struct vaccel_blob **blobs,
                               size_t nr_blobs, vaccel_resource_type_t type) {
  if (!res) return VACCEL_EINVAL;
  auto *r = static_cast<vaccel_resource *>(calloc(1, sizeof(vaccel_resource)));
  if (!r) return VACCEL_ENOMEM;
  int ret = vaccel_resource_init_from_blobs(r, blobs, nr_blobs, type);
  if (ret) {
    free(r);
    return ret;
  }
  *res = r;
  return VACCEL_OK;
}

int vaccel_resource_delete(struct vaccel_resource *res) {
  int ret = vaccel_resource_release(res);
  if (ret) return ret;
  free(res);
  return VACCEL_OK;
}

int vaccel_resource_register(struct vaccel_resource *res, struct vaccel_session *sess) {
  SessionPtr s;
  if (int ret = check_session("vaccel_resource_register", sess, s)) return ret;
  ResourcePtr r = find_resource(res);
  if (!r)
    return fail(VACCEL_EINVAL,
                "vaccel_resource_register: resource is not "
                "initialized");
  if (registered(s, r)) {  // as upstream: nothing to do
    vaccel_warn(
        "vaccel_resource_register: resource %lld already "
        "registered with session %lld",
        static_cast<long long>(r->id), static_cast<long long>(s->id));
    return VACCEL_OK;
  }
  if (int ret = load_path_blobs(res))
    return fail(ret, "vaccel_resource_register: cannot read %s", res->paths[0]);
  std::vector<PluginPtr> targets = hook_targets(*s);
  // A transport sends resources by content: load every blob first.
  if (s->transport)
    for (size_t i = 0; i < res->nr_blobs; ++i)
      if (int ret = vaccel_blob_read(res->blobs[i]))
        return fail(ret,
                    "vaccel_resource_register: cannot "
                    "read blob %s",
                    res->blobs[i]->name);
  std::vector<PluginPtr> done;
  for (const auto &p : targets) {
    if (auto fn = p->desc->info->resource_register)
      if (int ret = fn(res, sess)) {
        unregister_hooks(res, sess, done);
        return fail(ret,
                    "vaccel_resource_register: plugin "
                    "%s refused resource %lld (%d)",
                    p->name, static_cast<long long>(r->id), ret);
      }
    done.push_back(p);
  }
  {
    std::lock_guard<std::mutex> l(s->mu);
    if (!s->resources.insert(r->id).second) {
      // lost a race against a concurrent registration
      unregister_hooks(res, sess, done);
      return fail(VACCEL_EEXIST,
                  "vaccel_resource_register: concurrent "
                  "registration");
    }
    link_public(*s, res);
  }
  std::lock_guard<std::mutex> l(r->mu);
  r->sessions.insert(s->id);
  set_refcount(res, static_cast<unsigned>(r->sessions.size()));
  return VACCEL_OK;
}

int vaccel_resource_unregister(struct vaccel_resource *res, struct vaccel_session *sess) {
  SessionPtr s;
  if (int ret = check_session("vaccel_resource_unregister", sess, s)) return ret;
  ResourcePtr r = find_resource(res);
  if (!r)
    return fail(VACCEL_EINVAL,
                "vaccel_resource_unregister: resource is not "
                "initialized");
  {
    std::lock_guard<std::mutex> l(s->mu);
    if (!s->resources.erase(r->id))
      return fail(VACCEL_EINVAL,
                  "vaccel_resource_unregister: resource %lld "
                  "is not registered with session %lld",
                  static_cast<long long>(r->id), static_cast<long long>(s->id));
    unlink_public(*s, r->id, res->type);
  }
  unregister_hooks(res, sess, hook_targets(*s));
  std::lock_guard<std::mutex> l(r->mu);
  r->sessions.erase(s->id);
  set_refcount(res, static_cast<unsigned>(r->sessions.size()));
  return VACCEL_OK;
}

int vaccel_resource_sync(struct vaccel_resource *res, struct vaccel_session *sess) {
  SessionPtr s;
  if (int ret = check_session("vaccel_resource_sync", sess, s)) return ret;
  ResourcePtr r = find_resource(res);
  if (!r) return fail(VACCEL_EINVAL, "vaccel_resource_sync: resource is not initialized");
  if (!registered(s, r))
    return fail(VACCEL_EPERM,
                "vaccel_resource_sync: resource %lld is not "
                "registered with session %lld",
                static_cast<long long>(r->id), static_cast<long long>(s->id));
  // As upstream: only in-memory (BUFFER) content can be synchronized.
  if (!res->nr_blobs || res->blobs[0]->type != VACCEL_BLOB_BUFFER)
    return fail(VACCEL_EINVAL,
                "vaccel_resource_sync: only buffer resources can be "
                "synchronized");
  for (const auto &p : hook_targets(*s))
    if (auto fn = p->desc->info->resource_sync)
      if (int ret = fn(res, sess))
        return fail(ret,
                    "vaccel_resource_sync: plugin %s "
                    "failed (%d)",
                    p->name, ret);
  return VACCEL_OK;
}

long int vaccel_resource_refcount(const struct vaccel_resource *res) {
  if (!res) return -VACCEL_EINVAL;
  return static_cast<long>(res->refcount.load(std::memory_order_acquire));
}

int vaccel_resource_get_by_id(struct vaccel_resource **res, vaccel_id_t id) {
  begin_call();
  if (!res) return fail(VACCEL_EINVAL, "vaccel_resource_get_by_id: NULL");
  Resources &rs = resources();
  std::shared_lock<std::shared_mutex> l(rs.mu);
  auto it = rs.live.find(id);
  if (it == rs.live.end())
    return fail(VACCEL_ENOENT, "vaccel_resource_get_by_id: no resource %lld",
                static_cast<long long>(id));
  *res = it->second->pub;
  return VACCEL_OK;
}

int vaccel_resource_get_all_by_type(struct vaccel_resource ***res, size_t *nr_found,
                                    vaccel_resource_type_t type) {
  begin_call();
  if (!res || !nr_found || !valid_type(type))
    return fail(VACCEL_EINVAL, "vaccel_resource_get_all_by_type: invalid argument");
  std::vector<std::pair<vaccel_id_t, vaccel_resource *>> v;
  {
    Resources &rs = resources();
    std::shared_lock<std::shared_mutex> l(rs.mu);
    for (const auto &[id, st] : rs.live)
      if (st->pub->type == type) v.emplace_back(id, st->pub);
  }
  *nr_found = 0;
  *res = nullptr;
  if (v.empty()) return VACCEL_ENOENT;
  std::sort(v.begin(), v.end());
  *res = static_cast<vaccel_resource **>(calloc(v.size(), sizeof(void *)));
  if (!*res) return VACCEL_ENOMEM;
  for (size_t i = 0; i < v.size(); ++i) (*res)[i] = v[i].second;
  *nr_found = v.size();
  return VACCEL_OK;
}

int vaccel_resource_get_by_type(struct vaccel_resource **res, vaccel_resource_type_t type) {
  if (!res) return VACCEL_EINVAL;
  vaccel_resource **all = nullptr;
  size_t n = 0;
  int ret = vaccel_resource_get_all_by_type(&all, &n, type);
  if (ret) return ret;
  *res = all[0];
  free(all);
  return VACCEL_OK;
}

int vaccel_resource_directory(struct vaccel_resource *res, char *out_path, size_t out_path_size,
                              char **alloc_path) {
  if (!find_resource(res)) return VACCEL_EINVAL;
  if (res->path_type != VACCEL_PATH_LOCAL_DIR || !res->nr_paths) return VACCEL_ENOTDIR;
  const char *dir = res->paths[0];
  if (alloc_path) {
    *alloc_path = strdup(dir);
    return *alloc_path ? VACCEL_OK : VACCEL_ENOMEM;
  }
  if (!out_path || strlen(dir) + 1 > out_path_size) return VACCEL_EINVAL;
  memcpy(out_path, dir, strlen(dir) + 1);
  return VACCEL_OK;
}

char *vaccel_resource_get_path(struct vaccel_resource *res) {
  if (!find_resource(res) || !res->nr_blobs || !res->blobs[0]->path) return nullptr;
  return strdup(res->blobs[0]->path);
}

bool vaccel_session_has_resource(const struct vaccel_session *sess,
                                 const struct vaccel_resource *res) {
  SessionPtr s = find_session(sess);
  ResourcePtr r = find_resource(res);
  return s && r && registered(s, r);
}

bool vaccel_sess_has_resource(const struct vaccel_session *sess,
                              const struct vaccel_resource *res) {
  return vaccel_session_has_resource(sess, res);
}

int vaccel_session_resources_by_type(struct vaccel_session *sess, struct vaccel_resource ***out,
                                     size_t *nr_found, vaccel_resource_type_t type) {
  if (!sess || !out || !nr_found || !valid_type(type))
    return fail(VACCEL_EINVAL, "vaccel_session_resources_by_type: invalid argument");
  SessionPtr s;
  if (int ret = check_session("vaccel_session_resources_by_type", sess, s)) return ret;
  std::set<vaccel_id_t> ids;
  {
    std::lock_guard<std::mutex> l(s->mu);
    ids = s->resources;
  }
  std::vector<vaccel_resource *> v;
  {
    Resources &rs = resources();
    std::shared_lock<std::shared_mutex> l(rs.mu);
    for (vaccel_id_t id : ids) {
      auto it = rs.live.find(id);
      if (it != rs.live.end() && it->second->pub->type == type) v.push_back(it->second->pub);
    }
  }
  *nr_found = 0;
  *out = nullptr;
  if (v.empty()) return VACCEL_ENOENT;
  *out = static_cast<vaccel_resource **>(calloc(v.size(), sizeof(void *)));
  if (!*out) return VACCEL_ENOMEM;
  std::copy(v.begin(), v.end(), *out);
  *nr_found = v.size();
  return VACCEL_OK;
}

int vaccel_session_resource_by_type(struct vaccel_session *sess, struct vaccel_resource **res,
                                    vaccel_resource_type_t type) {
  if (!sess || !res || !valid_type(type)) return VACCEL_EINVAL;
  vaccel_resource **all = nullptr;
  size_t n = 0;
  int ret = vaccel_session_resources_by_type(sess, &all, &n, type);
  if (ret) return ret;
  *res = all[0];
  free(all);
  return VACCEL_OK;
}

int vaccel_session_resource_by_id(struct vaccel_session *sess, struct vaccel_resource **res,
                                  vaccel_id_t id) {
  if (!sess || !res || id <= 0)
    return fail(VACCEL_EINVAL, "vaccel_session_resource_by_id: invalid argument");
  SessionPtr s;
  if (int ret = check_session("vaccel_session_resource_by_id", sess, s)) return ret;
  {
    std::lock_guard<std::mutex> l(s->mu);
    if (!s->resources.count(id))
      return fail(VACCEL_ENOENT,
                  "vaccel_session_resource_by_id: resource "
                  "%lld not registered with session %lld",
                  static_cast<long long>(id), static_cast<long long>(s->id));
  }
  return vaccel_resource_get_by_id(res, id);
}

}  // extern "C"

namespace vaccel_rt {
void release_all_resources() {
  std::vector<vaccel_resource *> all;
  {
    Resources &rs = resources();
    std::shared_lock<std::shared_mutex> l(rs.mu);
    for (const auto &[id, r] : rs.live) all.push_back(r->pub);
  }
  for (vaccel_resource *r : all) vaccel_resource_release(r);
}
}  // namespace vaccel_rt
