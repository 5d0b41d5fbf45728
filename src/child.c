// SPDX-License-Identifier: GPL-2.0
/*
 * -c 'CMD ARGS': the child is forked before compiling (so `cpid` is a
 * constant) and blocks reading a pipe until everything is attached. If
 * sonde dies first, even by SIGKILL, the pipe's write end closes and the
 * child exits without running the command: no child is left waiting.
 */
#define _GNU_SOURCE /* pipe2 */
#include "child.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/util.h"

static pid_t child_pid;
static int release_fd = -1;
static volatile sig_atomic_t child_exited;

/*
 * Split like a simple shell: blanks separate words, '...' is literal,
 * "..." honours \" and \\, a backslash outside quotes escapes the next
 * character. Returns argc (argv NULL-terminated, malloc'd) or -1.
 */
static int split_command(const char *cmd, char ***argvp)
{
	struct vec v = {0};
	struct strbuf w;
	bool in_word = false;
	char quote = 0;

	sb_init(&w);
	for (const char *s = cmd;; s++) {
		if (!*s) {
			if (quote) {
				for (size_t i = 0; i < v.n; i++)
					free(v.v[i]);
				vec_free(&v);
				sb_free(&w);
				return -1;
			}
			break;
		}
		if (quote == '\'') {
			if (*s == '\'')
				quote = 0;
			else
				sb_putc(&w, *s);
		} else if (quote == '"') {
			if (*s == '"')
				quote = 0;
			else if (*s == '\\' && (s[1] == '"' || s[1] == '\\'))
				sb_putc(&w, *++s);
			else
				sb_putc(&w, *s);
		} else if (*s == ' ' || *s == '\t' || *s == '\n') {
			if (in_word)
				vec_push(&v, sb_detach(&w));
			in_word = false;
			continue;
		} else if (*s == '\'' || *s == '"') {
			quote = *s;
		} else if (*s == '\\' && s[1]) {
			sb_putc(&w, *++s);
		} else {
			sb_putc(&w, *s);
		}
		in_word = true;
	}
	if (in_word)
		vec_push(&v, sb_detach(&w));
	sb_free(&w);
	vec_push(&v, NULL);
	*argvp = (char **)v.v;
	return (int)v.n - 1;
}

/*
 * The program's path, found in $PATH here rather than by execvp: the
 * child then makes exactly one execve, and a missing command is an error
 * before anything is attached.
 */
static char *find_program(const char *name)
{
	const char *path = getenv("PATH");
	char *copy, *save = NULL, *found = NULL;

	if (strchr(name, '/'))
		return access(name, X_OK) ? NULL : xstrdup(name);
	copy = xstrdup(path ? path : "/usr/bin:/bin");
	for (char *d = strtok_r(copy, ":", &save); d && !found; d = strtok_r(NULL, ":", &save)) {
		char *p = xasprintf("%s/%s", d, name);

		if (access(p, X_OK) == 0)
			found = p;
		else
			free(p);
	}
	free(copy);
	return found;
}

int child_spawn(const char *cmd, struct strbuf *err)
{
	char **argv = NULL, *prog = NULL;
	int argc = split_command(cmd, &argv), fds[2];

	if (argc <= 0) {
		sb_printf(err, argc < 0 ? "-c: unterminated quote in '%s'" : "-c: empty command",
			  cmd);
		free(argv);
		return -1;
	}
	prog = find_program(argv[0]);
	if (!prog) {
		sb_printf(err, "-c: cannot run '%s': %s", argv[0],
			  strchr(argv[0], '/') ? strerror(errno) : "command not found");
		goto fail;
	}
	if (pipe2(fds, O_CLOEXEC)) {
		sb_printf(err, "-c: cannot create a pipe: %s", strerror(errno));
		goto fail;
	}
	child_pid = fork();
	if (child_pid < 0) {
		sb_printf(err, "-c: cannot fork: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		goto fail;
	}
	if (child_pid == 0) {
		char go;

		close(fds[1]);
		signal(SIGINT, SIG_DFL);
		if (read(fds[0], &go, 1) != 1)
			_exit(127); /* sonde went away before starting us */
		execv(prog, argv);
		fprintf(stderr, "ERROR: -c: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(fds[0]);
	release_fd = fds[1];
	for (int i = 0; i < argc; i++)
		free(argv[i]);
	free(argv);
	free(prog);
	return (int)child_pid;
fail:
	free(prog);
	for (int i = 0; i < argc; i++)
		free(argv[i]);
	free(argv);
	return -1;
}

void child_release(void)
{
	if (release_fd < 0)
		return;
	if (write(release_fd, "g", 1) != 1)
		child_exited = 1;
	close(release_fd);
	release_fd = -1;
}

bool child_check_exited(void)
{
	int status;

	if (child_pid > 0 && !child_exited && waitpid(child_pid, &status, WNOHANG) == child_pid)
		child_exited = 1;
	return child_exited;
}

void child_kill(void)
{
	if (child_pid <= 0)
		return;
	if (release_fd >= 0) {
		/* Never started: closing the pipe makes it exit by itself. */
		close(release_fd);
		release_fd = -1;
	} else if (!child_check_exited()) {
		kill(child_pid, SIGTERM);
	}
	if (!child_exited)
		waitpid(child_pid, NULL, 0);
	child_exited = 1;
	child_pid = 0;
}
