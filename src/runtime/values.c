// SPDX-License-Identifier: GPL-2.0
/*
 * Values that BPF stores raw and user space turns into text at print time:
 * user names, addresses (ntop, macaddr), errno messages, cgroup paths and
 * strftime() timestamps. Lookups happen only when such a value prints.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "runtime/output.h"

static void username_value(struct strbuf *sb, uint64_t uid)
{
	struct passwd pw, *res = NULL;
	char buf[1024];

	if (!getpwuid_r((uid_t)uid, &pw, buf, sizeof(buf), &res) && res)
		sb_puts(sb, res->pw_name);
	else
		sb_printf(sb, "%" PRIu64, uid);
}

static void inet_value(struct strbuf *sb, const uint8_t *d)
{
	uint64_t af;
	char buf[INET6_ADDRSTRLEN];

	memcpy(&af, d, 8);
	if (!inet_ntop(af == AF_INET6 ? AF_INET6 : AF_INET, d + 8, buf, sizeof(buf)))
		return;
	sb_puts(sb, buf);
}

static uint64_t clock_ns(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* strftime() of a boot-clock timestamp, with bpftrace's %f (microseconds). */
static void timestamp_value(struct strbuf *sb, const struct program *p, const uint8_t *d)
{
	uint64_t ns, idx;
	struct strbuf fmt;
	struct tm tm;
	char out[512];

	memcpy(&ns, d, 8);
	memcpy(&idx, d + 8, 8);
	if (!p || idx >= p->strings.n)
		return;
	uint64_t wall = ns + (clock_ns(CLOCK_REALTIME) - clock_ns(CLOCK_BOOTTIME));
	time_t secs = (time_t)(wall / 1000000000ull);
	sb_init(&fmt);
	for (const char *s = p->strings.v[idx]; *s; s++) {
		if (s[0] == '%' && s[1] == 'f') {
			sb_printf(&fmt, "%06" PRIu64, (uint64_t)(wall % 1000000000ull / 1000));
			s++;
		} else if (s[0] == '%' && s[1] == '%') {
			sb_puts(&fmt, "%%");
			s++;
		} else {
			sb_putc(&fmt, *s);
		}
	}
	localtime_r(&secs, &tm);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	size_t n = strftime(out, sizeof(out), fmt.buf ? fmt.buf : "", &tm);
#pragma GCC diagnostic pop
	sb_add(sb, out, n);
	sb_free(&fmt);
}

/* Find the cgroup v2 directory whose inode number is id, below dir. */
static bool cgroup_find(struct strbuf *path, uint64_t id, int depth)
{
	struct stat st;
	DIR *dir;
	struct dirent *e;
	bool found = false;

	if (stat(path->buf, &st))
		return false;
	if ((uint64_t)st.st_ino == id)
		return true;
	if (depth > 32 || !(dir = opendir(path->buf)))
		return false;
	size_t len = path->len;
	while (!found && (e = readdir(dir))) {
		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		sb_printf(path, "/%s", e->d_name);
		found = cgroup_find(path, id, depth + 1);
		if (!found) {
			path->len = len;
			path->buf[len] = '\0';
		}
	}
	closedir(dir);
	return found;
}

/* Where cgroup v2 is mounted (/sys/fs/cgroup, or .../unified on hybrid systems). */
static void cgroup2_root(struct strbuf *root)
{
	FILE *f = fopen("/proc/self/mounts", "r");
	char dev[256], dir[4096], type[64];

	while (f && fscanf(f, "%255s %4095s %63s %*[^\n]", dev, dir, type) == 3)
		if (!strcmp(type, "cgroup2")) {
			sb_puts(root, dir);
			break;
		}
	if (f)
		fclose(f);
	if (!root->len)
		sb_puts(root, "/sys/fs/cgroup");
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * As bpftrace: "hierarchy:path" for every hierarchy holding a cgroup with
 * this id, cgroup v2 first as "unified", then the v1 ones by name (the
 * mount directory's name), comma-separated.
 */
static void cgroup_path_value(struct strbuf *sb, uint64_t id)
{
	FILE *f = fopen("/proc/self/mounts", "r");
	char dev[256], dir[4096], type[64];
	struct strbuf path;
	struct vec v1 = {0};
	size_t rlen, start = sb->len;

	sb_init(&path);
	cgroup2_root(&path);
	rlen = path.len;
	if (cgroup_find(&path, id, 0))
		sb_printf(sb, "unified:%s", path.len > rlen ? path.buf + rlen : "/");
	while (f && fscanf(f, "%255s %4095s %63s %*[^\n]", dev, dir, type) == 3)
		if (!strcmp(type, "cgroup"))
			vec_push(&v1, xstrdup(dir));
	if (f)
		fclose(f);
	if (v1.n > 1)
		qsort(v1.v, v1.n, sizeof(*v1.v), str_cmp);
	for (size_t i = 0; i < v1.n; i++) {
		const char *slash = strrchr(v1.v[i], '/');

		sb_reset(&path);
		sb_puts(&path, v1.v[i]);
		rlen = path.len;
		if (cgroup_find(&path, id, 0))
			sb_printf(sb, "%s%s:%s", sb->len > start ? "," : "", slash ? slash + 1 : "",
				  path.len > rlen ? path.buf + rlen : "/");
		free(v1.v[i]);
	}
	vec_free(&v1);
	if (sb->len == start)
		sb_puts(sb, "<unknown cgroup>");
	sb_free(&path);
}

bool out_value_special(struct strbuf *sb, const struct program *p, const struct type *t,
		       const void *data)
{
	const uint8_t *d = data;
	uint64_t u;
	int64_t e;

	switch (t->kind) {
	case T_USERNAME:
		memcpy(&u, d, 8);
		username_value(sb, u);
		return true;
	case T_INET:
		inet_value(sb, d);
		return true;
	case T_MACADDR:
		sb_printf(sb, "%02X:%02X:%02X:%02X:%02X:%02X", d[0], d[1], d[2], d[3], d[4], d[5]);
		return true;
	case T_STRERROR:
		memcpy(&e, d, 8);
		sb_puts(sb, strerror((int)e));
		return true;
	case T_CGROUP_PATH:
		memcpy(&u, d, 8);
		cgroup_path_value(sb, u);
		return true;
	case T_TIMESTAMP:
		if (t->size < 16)
			return false;
		timestamp_value(sb, p, d);
		return true;
	default:
		return false;
	}
}
