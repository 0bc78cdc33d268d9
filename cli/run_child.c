// SPDX-License-Identifier: MIT
/* Children of `nestbench run` and the signals that stop them (run_child.h). */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nestbench/nb.h"
#include "run_child.h"

static volatile sig_atomic_t stop_sig;
/* The running children's groups (0: a free entry); read by the handler. */
static volatile pid_t child_pgid[RUN_CHILD_MAX];

static void on_stop(int sig)
{
	if (!stop_sig)
		stop_sig = sig;
	for (int i = 0; i < RUN_CHILD_MAX; i++)
		if (child_pgid[i] > 0)
			kill(-child_pgid[i], sig);
}

static void set_action(void (*fn)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

void run_signals_catch(void)
{
	set_action(on_stop);
}

void run_signals_default(void)
{
	set_action(SIG_DFL);
}

int run_stop_signal(void)
{
	return stop_sig;
}

const char *run_signal_name(int sig)
{
	switch (sig) {
	case SIGINT:
		return "Ctrl-C (SIGINT)";
	case SIGTERM:
		return "SIGTERM";
	case SIGKILL:
		return "SIGKILL";
	case SIGHUP:
		return "SIGHUP";
	default:
		return "a signal";
	}
}

static void redirect(const char *path, int fd, int flags)
{
	int f = open(path, flags | O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

	if (f < 0) {
		dprintf(2, "nestbench run: %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	dup2(f, fd);
}

/* In the child, before exec: its own group, its parent's death stops it,
 * the signals unblocked and at their defaults, stdin empty, output as asked,
 * and its CPUs once the parent has set them (go: the parent's word). */
static void child_setup(pid_t parent, const struct run_child_io *io, const sigset_t *old, int go)
{
	char word = 0;

	int fd;

	setpgid(0, 0);
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) || getppid() != parent)
		_exit(127); /* the parent died before the prctl took hold */
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	sigprocmask(SIG_SETMASK, old, NULL);
	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (fd >= 0)
		dup2(fd, 0);
	if (!io)
		return;
	if (io->out)
		redirect(io->out, 1, O_TRUNC);
	else if (io->out_file)
		dup2(fileno(io->out_file), 1);
	if (io->err && io->out && strcmp(io->err, io->out) == 0)
		dup2(1, 2);
	else if (io->err)
		redirect(io->err, 2, O_TRUNC);
	/* The parent sets the CPUs (sched_setaffinity on our pid), not we: a
	 * change it makes later (another process took a core) can then never be
	 * undone by our setting the old value late. */
	while (go >= 0 && read(go, &word, 1) < 0 && errno == EINTR)
		;
	if (go >= 0 && word != 'g') {
		dprintf(2, "nestbench run: the CPUs of this process could not be set\n");
		_exit(127);
	}
}

static int slot_of(pid_t pgid)
{
	for (int i = 0; i < RUN_CHILD_MAX; i++)
		if (child_pgid[i] == pgid)
			return i;
	return -1;
}

int run_child_start(char *const argv[], const struct run_child_io *io, pid_t *pid_out)
{
	sigset_t block, old;
	pid_t parent = getpid(), pid;
	int slot = slot_of(0), go[2] = { -1, -1 }, ret = 0;

	if (slot < 0)
		return nb_fail(EAGAIN, "more than %d children at once", RUN_CHILD_MAX);
	if (io && io->cpus && pipe2(go, O_CLOEXEC))
		return nb_fail(errno, "pipe: %s", strerror(errno));
	/* No stop signal may fall between the fork and child_pgid being set:
	 * the handler would not know whom to pass it on to. */
	fflush(NULL); /* what we printed comes before what the child prints */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &old);
	pid = fork();
	if (pid == 0) {
		if (go[1] >= 0)
			close(go[1]);
		child_setup(parent, io, &old, go[0]);
		execv(argv[0], argv);
		dprintf(2, "nestbench run: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (go[0] >= 0)
		close(go[0]);
	if (pid < 0) {
		int e = errno;

		sigprocmask(SIG_SETMASK, &old, NULL);
		if (go[1] >= 0)
			close(go[1]);
		return nb_fail(e, "fork: %s", strerror(e));
	}
	if (go[1] >= 0) {
		if (sched_setaffinity(pid, sizeof(*io->cpus), io->cpus))
			ret = nb_fail(errno, "sched_setaffinity(%d): %s", (int)pid, strerror(errno));
		if (write(go[1], ret ? "x" : "g", 1) != 1 && !ret)
			ret = nb_fail(errno, "pipe to the child: %s", strerror(errno));
		close(go[1]);
	}
	setpgid(pid, pid); /* also here: whichever of the two runs first */
	child_pgid[slot] = pid;
	*pid_out = pid;
	if (stop_sig && !(io && io->cleanup)) /* asked to stop before the child existed */
		kill(-pid, stop_sig);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (ret) /* the child exits 127 by itself, saying so in its log: waited for as any */
		fprintf(stderr, "nestbench run: %s\n", nb_errmsg());
	return 0;
}

int run_child_wait(pid_t pid, struct run_child_end *end)
{
	siginfo_t si;
	struct rusage ru;
	int slot;

	/* Wait without reaping, so that the pid (the group's id) cannot be
	 * reused while the rest of its group, which a script may have left
	 * running, is sent SIGTERM; then reap. */
	memset(&si, 0, sizeof(si));
	while (waitid(pid ? P_PID : P_ALL, (id_t)pid, &si, WEXITED | WNOWAIT) < 0)
		if (errno != EINTR)
			return nb_fail(errno, "waitid: %s", strerror(errno));
	slot = slot_of(si.si_pid);
	if (slot >= 0)
		child_pgid[slot] = 0;
	kill(-si.si_pid, SIGTERM);
	end->pid = si.si_pid;
	while (wait4(si.si_pid, &end->status, 0, &ru) < 0)
		if (errno != EINTR)
			return nb_fail(errno, "wait4: %s", strerror(errno));
	end->cpu_s = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
		     (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
	return 0;
}

int run_child_set_cpus(pid_t pid, const cpu_set_t *set)
{
	char path[64];
	struct dirent *e;
	DIR *d;
	int ret = 0;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	d = opendir(path);
	if (!d)
		return errno == ENOENT ? 0 : nb_fail(errno, "%s: %s", path, strerror(errno));
	while (!ret && (e = readdir(d)))
		if (e->d_name[0] != '.' && sched_setaffinity((pid_t)atoi(e->d_name), sizeof(*set), set) &&
		    errno != ESRCH)
			ret = nb_fail(errno, "sched_setaffinity(thread %s of %d): %s", e->d_name, (int)pid,
				      strerror(errno));
	closedir(d);
	return ret;
}

int run_child(char *const argv[], const struct run_child_io *io, int *status, pid_t *pid)
{
	struct run_child_end end;
	int ret = run_child_start(argv, io, pid);

	if (ret || (ret = run_child_wait(*pid, &end)))
		return ret;
	*status = end.status;
	return 0;
}
