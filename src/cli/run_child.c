// SPDX-License-Identifier: MIT
/* Children of `nestbench run` and the signals that stop them (run_child.h). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nestbench/nb.h"
#include "run_child.h"

static volatile sig_atomic_t stop_sig;
static volatile pid_t child_pgid; /* the running child's group, 0 if none */

static void on_stop(int sig)
{
	if (!stop_sig)
		stop_sig = sig;
	if (child_pgid > 0)
		kill(-child_pgid, sig);
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

/* In the child, before exec: its own group, its parent's death stops it,
 * the signals unblocked and at their defaults, stdin empty, output to log. */
static void child_setup(pid_t parent, const char *log, const sigset_t *old)
{
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
	if (log) {
		fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0) {
			dprintf(2, "nestbench run: %s: %s\n", log, strerror(errno));
			_exit(127);
		}
		dup2(fd, 1);
		dup2(fd, 2);
	}
}

int run_child(char *const argv[], const char *log, int *status, pid_t *pid_out)
{
	sigset_t block, old;
	pid_t parent = getpid(), pid;

	/* No stop signal may fall between the fork and child_pgid being set:
	 * the handler would not know whom to pass it on to. */
	fflush(NULL); /* what we printed comes before what the child prints */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &old);
	pid = fork();
	if (pid == 0) {
		child_setup(parent, log, &old);
		execv(argv[0], argv);
		dprintf(2, "nestbench run: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (pid < 0) {
		int e = errno;

		sigprocmask(SIG_SETMASK, &old, NULL);
		return nb_fail(e, "fork: %s", strerror(e));
	}
	setpgid(pid, pid); /* also here: whichever of the two runs first */
	child_pgid = pid;
	*pid_out = pid;
	if (stop_sig) /* asked to stop before the child existed */
		kill(-pid, stop_sig);
	sigprocmask(SIG_SETMASK, &old, NULL);
	/* Wait without reaping, so that the pid (the group's id) cannot be
	 * reused while the rest of its group, which a script may have left
	 * running, is sent SIGTERM; then reap. */
	{
		siginfo_t si;

		while (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT) < 0 && errno == EINTR)
			;
	}
	child_pgid = 0;
	kill(-pid, SIGTERM);
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
	return 0;
}
