// SPDX-License-Identifier: GPL-2.0
/*
 * teardown: io-wq teardown against a long task_work list, from user space.
 *
 * Built static (gcc -static) so that it can be a UML kernel's init; run
 * from scripts/teardown.sh (make teardown).  Raw io_uring system calls, no
 * liburing.
 *
 * What it makes the kernel do, per round (checked against Linux 7.3:
 * io_uring/msg_ring.c, io_uring/io-wq.c, io_uring/openclose.c,
 * io_uring/cancel.c, io_uring/tctx.c, kernel/task_work.c, kernel/fork.c,
 * kernel/exit.c, include/linux/sched/signal.h, fs/pipe.c):
 *
 *  1. A task S creates a ring with IORING_SETUP_SINGLE_ISSUER |
 *     IORING_SETUP_DEFER_TASKRUN, so S is the ring's submitter_task and
 *     IORING_MSG_SEND_FD aimed at that ring is delivered by
 *     io_msg_fd_remote(): one task_work_add(S, TWA_SIGNAL) per message,
 *     each message its own callback_head on S's list.
 *  2. S raises the ring's io-wq limits to W (IORING_REGISTER_IOWQ_MAX_WORKERS;
 *     openat is bounded work) and submits W IORING_OP_OPENAT of a FIFO
 *     with no writer, with IOSQE_ASYNC.  openat has no poll
 *     handler, so io-wq issues each one blocking, and every worker sleeps
 *     in fifo_open().  Each sleeping worker asks S for the next worker
 *     with create_worker_cb queued on S's task_work; S runs those while it
 *     polls its thread count, until S has W io-wq workers.
 *  3. S vfork()s, and the vfork child blocks opening a second FIFO with no
 *     writer.  S now sleeps in wait_for_vfork_done(), TASK_KILLABLE:
 *     TWA_SIGNAL sets TIF_NOTIFY_SIGNAL and wakes only TASK_INTERRUPTIBLE
 *     sleepers, so S cannot get back to user mode and run its task_work.
 *  4. G sender processes (forked from S, so they hold S's ring) submit
 *     IORING_OP_MSG_RING / IORING_MSG_SEND_FD to S's ring until N
 *     messages are queued: S's task_work list is now N entries long.
 *  5. The parent opens the workers' FIFO for writing: the W openat
 *     requests complete and the W workers go idle.  After the idle
 *     timeout (WORKER_IDLE_TIMEOUT, 5 s) all but one of them exit
 *     through io_worker_exit(), while S's list is still N long.  7.3
 *     calls task_work_cancel_match() there for every exiting worker,
 *     walking all N entries under S->pi_lock with interrupts off, although
 *     none of them has a creation request pending; the series looks only
 *     when bit 0 of create_state says one is pending.  Timed from the
 *     write open until S is down to one worker: "idle exit".
 *  6. Teardown, timed from kill(S, SIGKILL) to waitpid(): S leaves the
 *     killable sleep, get_signal() runs its N works (each installs the
 *     file in S's ring and queues the sender's completion), do_exit()
 *     cancels S's io-wq (io_wq_exit_start(), io_wq_put_and_exit(), both
 *     cancelling pending creation requests) and the last worker exits.
 *     Then the senders and the vfork child are killed and reaped, and the
 *     rings go away: "all" is kill to the last waitpid().  By then S's
 *     list is short: get_signal() ran it before do_exit().
 *  7. Long-list teardown (longlist_round()), the frame of the report: a
 *     fresh S with W workers asleep in FIFO opens calls exit() (this
 *     thread only, so the workers get no SIGKILL).  We trace S with
 *     PTRACE_O_TRACEEXIT, so do_exit() stops at
 *     ptrace_event(PTRACE_EVENT_EXIT), before io_uring_files_cancel()
 *     (kernel/exit.c) and after S last ran its task_work on its way back
 *     to user mode.  A TASK_TRACED sleep is not woken by TWA_SIGNAL
 *     (__set_notify_signal() wakes TASK_INTERRUPTIBLE only), so the senders
 *     queue N works on S there.  Then PTRACE_CONT: io_wq_exit_start() and
 *     io_wq_exit_workers() each call io_wq_cancel_tw_create(), and the W
 *     workers, woken, each run io_worker_exit(), all while S's list is N
 *     long; 7.3 walks it W + 2 times under S->pi_lock with interrupts off,
 *     the series not at all (nothing is pending).  exit_task_work() then
 *     runs the N works, on both kernels alike.  Timed from PTRACE_CONT
 *     until S is reaped: "long-list teardown".
 *  8. The same with W creation requests pending: S switches to an
 *     unprivileged user at its RLIMIT_NPROC before it submits, so no worker
 *     thread can be made and every worker's retry queues create_worker_cont
 *     on S while it is stopped.  7.3's io_wq_exit_start() then calls
 *     task_work_cancel_match() W + 1 times, each walking to the oldest
 *     works; the series walks once.  "long-list teardown, W pending".
 *
 * Where this differs from the report in DESIGN.md section 1:
 *
 *  - The report has the task "blocked opening a FIFO".  fifo_open() waits
 *    TASK_INTERRUPTIBLE, so TWA_SIGNAL interrupts it: the open returns
 *    -ERESTARTSYS, the task runs its list on the way out and restarts the
 *    open, and the list does not grow.  Here the task that owns the list is
 *    held in the killable vfork wait (steps 3-6) or in the ptrace exit stop
 *    (step 7), neither of which TWA_SIGNAL breaks.
 *  - Creation requests pending at teardown: on the way io-wq asks for
 *    workers when one goes to sleep, a pool has at most one request pending
 *    at a time (the next one is queued only after S has run the previous).
 *    But when create_io_thread() fails with -EAGAIN, as it does at
 *    RLIMIT_NPROC, io-wq retries every worker 5 ms later from a kworker
 *    (queue_create_worker_retry(), io_workqueue_create()), and each retry
 *    queues create_worker_cont on S: one request per worker.  Step 8 uses
 *    that: W requests pending under N works.
 *  - The hard lockups came from many CPUs spinning with interrupts off on
 *    S->pi_lock behind each other's walks.  Under UML with two CPUs at most
 *    one CPU waits behind one walk, and a walk of N entries takes N times
 *    about a nanosecond: milliseconds, not the seconds a lockup detector
 *    needs.  scripts/teardown.sh reports what the detectors say.
 *
 * Parameters, as key=value arguments or, when run as init, as kernel
 * command line parameters (the kernel hands unknown key=value parameters
 * to init as environment variables): td_rounds=R td_workers=W td_works=N
 * td_senders=G td_batch=B.  Output, three lines per round and one at the end:
 *
 *   TEARDOWN,<round>,<teardown_ns>,<idle_exit_ns>,<all_ns>,<queued>,<workers>,<workers_left>
 *   LONGLIST,<round>,<teardown_ns>,<queued>,<workers>
 *   LONGPEND,<round>,<teardown_ns>,<queued>,<workers>
 *   DONE,<rounds>,<errors>
 *
 * and before each phase PHASE,<round>,<name>, so that a kernel report on
 * the same console can be told apart by phase: fill (the senders queue N
 * works), idle-exit (step 5), teardown (step 6), long-fill and
 * long-teardown (step 7), pending-fill and pending-teardown (step 8),
 * and cleanup after each teardown is timed (the senders are killed and
 * every ring goes away; this lasts until the next phase starts, so it
 * includes setting up the next submitter and its workers).
 *
 * As pid 1 it mounts /proc, a tmpfs on /tmp (and on /dev for a console
 * when there is none), and powers the machine off at the end.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/io_uring.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/reboot.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>

#define IDLE_TIMEOUT_NS		5000000000LL	/* WORKER_IDLE_TIMEOUT */
#define WAIT_LIMIT_NS		120000000000LL	/* any bounded wait */

struct params {
	long rounds;
	long workers;
	long works;
	long senders;
	long batch;
};

/* Shared between the parent and the senders. */
struct shared {
	long sent;
	long errors;
};

struct ring {
	int fd;
	unsigned int sq_entries;
	unsigned int *sq_head;
	unsigned int *sq_tail;
	unsigned int *sq_mask;
	unsigned int *sq_array;
	struct io_uring_sqe *sqes;
	void *sq_ptr;
	size_t sq_len;
	size_t sqes_len;
};

static int is_init;

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fflush(stdout);
}

static void pause_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static int sys_setup(unsigned int entries, struct io_uring_params *p)
{
	return syscall(__NR_io_uring_setup, entries, p);
}

static int sys_enter(int fd, unsigned int submit, unsigned int min,
		     unsigned int flags)
{
	return syscall(__NR_io_uring_enter, fd, submit, min, flags, NULL, 0);
}

static int sys_register(int fd, unsigned int op, void *arg, unsigned int nr)
{
	return syscall(__NR_io_uring_register, fd, op, arg, nr);
}

static int ring_init(struct ring *r, unsigned int entries, unsigned int flags)
{
	struct io_uring_params p;
	void *ptr;

	memset(&p, 0, sizeof(p));
	p.flags = flags;
	r->fd = sys_setup(entries, &p);
	if (r->fd < 0)
		return -errno;
	if (!(p.features & IORING_FEAT_SINGLE_MMAP))
		return -ENOSYS;
	r->sq_len = p.sq_off.array + p.sq_entries * sizeof(unsigned int);
	if (r->sq_len < p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe))
		r->sq_len = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
	ptr = mmap(NULL, r->sq_len, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_SQ_RING);
	if (ptr == MAP_FAILED)
		return -errno;
	r->sq_ptr = ptr;
	r->sq_head = ptr + p.sq_off.head;
	r->sq_tail = ptr + p.sq_off.tail;
	r->sq_mask = ptr + p.sq_off.ring_mask;
	r->sq_array = ptr + p.sq_off.array;
	r->sq_entries = p.sq_entries;
	r->sqes_len = p.sq_entries * sizeof(struct io_uring_sqe);
	ptr = mmap(NULL, r->sqes_len, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_SQES);
	if (ptr == MAP_FAILED)
		return -errno;
	r->sqes = ptr;
	/*
	 * Children (the senders) must not inherit the ring mappings: 7.3 UML
	 * reports "BUG: Bad page map" (mapcount -1 on the ring pages) when a
	 * forked copy of an io_uring mapping is unmapped at exit, patched or
	 * not, and then crashes.  That is not what this program is about.
	 */
	if (madvise(r->sq_ptr, r->sq_len, MADV_DONTFORK) ||
	    madvise(r->sqes, r->sqes_len, MADV_DONTFORK))
		return -errno;
	return 0;
}

/* The next free SQE, or NULL when the SQ ring is full. */
static struct io_uring_sqe *ring_sqe(struct ring *r)
{
	unsigned int head = __atomic_load_n(r->sq_head, __ATOMIC_ACQUIRE);
	unsigned int tail = *r->sq_tail;
	struct io_uring_sqe *sqe;

	if (tail - head >= r->sq_entries)
		return NULL;
	sqe = &r->sqes[tail & *r->sq_mask];
	memset(sqe, 0, sizeof(*sqe));
	r->sq_array[tail & *r->sq_mask] = tail & *r->sq_mask;
	__atomic_store_n(r->sq_tail, tail + 1, __ATOMIC_RELEASE);
	return sqe;
}

/* Field 3 (state) and field 20 (num_threads) of /proc/PID/stat. */
static int proc_stat(pid_t pid, char *state, long *threads)
{
	char path[64], buf[1024], *p;
	int fd, n, field;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	if (!p || p[1] != ' ')
		return -EIO;
	p += 2;
	*state = *p;
	for (field = 3; field < 20 && p; field++) {
		p = strchr(p, ' ');
		if (p)
			p++;
	}
	if (!p)
		return -EIO;
	*threads = strtol(p, NULL, 10);
	return 0;
}

static void die_child(const char *what, int err)
{
	msg("ERROR,%s,%s\n", what, strerror(err));
	_exit(1);
}

/*
 * A sender: MSG_RING / SEND_FD to S's ring, B messages per io_uring_enter(),
 * until the senders together have queued N.  Each message is a task_work on
 * S.  The completions come only when S runs them, so nothing is reaped here:
 * IOSQE_CQE_SKIP_SUCCESS keeps successful ones out of the CQ ring.
 */
static void sender(const struct params *pa, struct shared *sh, int target_fd,
		   int go_fd)
{
	struct ring r;
	int pfd[2], files[1], ret;
	char c;
	long i;

	if (pipe2(pfd, O_CLOEXEC))
		die_child("sender pipe", errno);
	ret = ring_init(&r, pa->batch, 0);
	if (ret)
		die_child("sender io_uring_setup", -ret);
	files[0] = pfd[0];
	if (sys_register(r.fd, IORING_REGISTER_FILES, files, 1) < 0)
		die_child("sender IORING_REGISTER_FILES", errno);

	/* The parent closes the write end once S sits in its vfork wait. */
	while (read(go_fd, &c, 1) < 0 && errno == EINTR)
		;
	close(go_fd);

	while (__atomic_load_n(&sh->sent, __ATOMIC_RELAXED) < pa->works) {
		unsigned int n = 0;

		for (i = 0; i < pa->batch; i++) {
			struct io_uring_sqe *sqe = ring_sqe(&r);

			if (!sqe)
				break;
			sqe->opcode = IORING_OP_MSG_RING;
			sqe->flags = IOSQE_CQE_SKIP_SUCCESS;
			sqe->fd = target_fd;
			sqe->addr = IORING_MSG_SEND_FD;
			sqe->addr3 = 0;		/* our fixed file 0 */
			sqe->file_index = 1;	/* S's slot 0 */
			sqe->msg_ring_flags = IORING_MSG_RING_CQE_SKIP;
			n++;
		}
		ret = sys_enter(r.fd, n, 0, 0);
		if (ret < 0) {
			if (errno == EINTR || errno == EAGAIN || errno == EBUSY)
				continue;
			__atomic_fetch_add(&sh->errors, 1, __ATOMIC_RELAXED);
			die_child("sender io_uring_enter", errno);
		}
		__atomic_fetch_add(&sh->sent, ret, __ATOMIC_RELAXED);
	}
	/* Stay, holding the ring and its in-flight messages, until killed. */
	for (;;)
		pause();
}

/* W blocking FIFO opens, each asking io-wq for a worker of its own. */
static void submit_opens(const struct params *pa, struct ring *r,
			 const char *fifo_w)
{
	long queued;
	int ret;

	for (queued = 0; queued < pa->workers; ) {
		struct io_uring_sqe *sqe;
		unsigned int n = 0;

		while (queued + n < pa->workers && (sqe = ring_sqe(r))) {
			sqe->opcode = IORING_OP_OPENAT;
			sqe->flags = IOSQE_ASYNC;
			sqe->fd = AT_FDCWD;
			sqe->addr = (unsigned long)fifo_w;
			sqe->open_flags = O_RDONLY | O_CLOEXEC;
			sqe->user_data = queued + n;
			n++;
		}
		ret = sys_enter(r->fd, n, 0, 0);
		if (ret < 0)
			die_child("io_uring_enter(OPENAT)", errno);
		queued += ret;
	}
}

/*
 * S: owns the target ring and the io-wq.  Never returns.  With fifo_s it
 * ends blocked in vfork() and is killed there (the idle-exit phase); with
 * quit_fd it waits for a byte there and then exits, its W workers still
 * asleep in their FIFO opens (the long-list teardown phase).
 */
static void submitter(const struct params *pa, struct shared *sh,
		      const char *fifo_w, const char *fifo_s, int ready_fd,
		      int go_rd, int go_wr, int quit_fd, int pend)
{
	struct ring r;
	unsigned int limits[2];
	long i, threads;
	long long deadline;
	char state;
	int ret, files[1] = { -1 };
	pid_t pid;

	setpgid(0, 0);
	ret = ring_init(&r, 256, IORING_SETUP_SINGLE_ISSUER |
			IORING_SETUP_DEFER_TASKRUN);
	if (ret)
		die_child("io_uring_setup(SINGLE_ISSUER|DEFER_TASKRUN)", -ret);
	if (sys_register(r.fd, IORING_REGISTER_FILES, files, 1) < 0)
		die_child("IORING_REGISTER_FILES (sparse)", errno);
	/*
	 * openat has no file at issue time, so io-wq queues it as bounded
	 * work (at most 4 x CPUs workers by default): raise both limits.
	 */
	limits[0] = pa->workers;
	limits[1] = pa->workers;
	if (sys_register(r.fd, IORING_REGISTER_IOWQ_MAX_WORKERS, limits, 2) < 0)
		die_child("IORING_REGISTER_IOWQ_MAX_WORKERS", errno);

	for (i = 0; i < pa->senders; i++) {
		pid = fork();
		if (pid < 0)
			die_child("fork sender", errno);
		if (pid == 0) {
			close(ready_fd);
			close(go_wr);
			sender(pa, sh, r.fd, go_rd);
		}
	}
	close(go_rd);
	close(go_wr);

	if (pend) {
		/*
		 * No worker can be created: S runs as another user at its
		 * RLIMIT_NPROC, so create_io_thread() fails with -EAGAIN, and
		 * io-wq retries each worker 5 ms later from a kworker
		 * (queue_create_worker_retry()), which queues create_worker_cont
		 * on S's task_work.  S has stopped at its exit by then, so one
		 * request per worker stays pending there.
		 */
		struct rlimit rl = { 1, 1 };

		if (setgid(65534) || setuid(65534) || setrlimit(RLIMIT_NPROC, &rl))
			die_child("setuid or RLIMIT_NPROC", errno);
		if (write(ready_fd, "r", 1) != 1)
			die_child("write ready", errno);
		close(ready_fd);
		while (read(quit_fd, &state, 1) < 0 && errno == EINTR)
			;
		submit_opens(pa, &r, fifo_w);
		syscall(SYS_exit, 0);
	}

	submit_opens(pa, &r, fifo_w);
	/*
	 * Workers after the first are created by create_worker_cb, which runs
	 * from S's task_work: every system call here returns to user mode
	 * and runs it.  Bounded wait for S plus W workers.
	 */
	deadline = now_ns() + WAIT_LIMIT_NS;
	for (;;) {
		if (proc_stat(getpid(), &state, &threads))
			die_child("read /proc/self/stat", EIO);
		if (threads >= pa->workers + 1)
			break;
		if (now_ns() > deadline)
			die_child("io-wq workers did not all start", ETIMEDOUT);
		sched_yield();
	}
	if (write(ready_fd, "r", 1) != 1)
		die_child("write ready", errno);
	close(ready_fd);

	if (quit_fd >= 0) {
		/*
		 * Only this thread exits (exit, not exit_group): the workers
		 * get no SIGKILL and are still asleep when do_exit() reaches
		 * io_uring_files_cancel().  The parent traces us with
		 * PTRACE_O_TRACEEXIT, so do_exit() first stops at
		 * ptrace_event(PTRACE_EVENT_EXIT), before that call.
		 */
		while (read(quit_fd, &state, 1) < 0 && errno == EINTR)
			;
		syscall(SYS_exit, 0);
	}

	/*
	 * The vfork child opens the second FIFO and sleeps there; S sleeps in
	 * wait_for_vfork_done() until it is killed.
	 */
	pid = vfork();
	if (pid == 0) {
		syscall(SYS_openat, AT_FDCWD, fifo_s, O_RDONLY);
		syscall(SYS_exit, 0);
	}
	_exit(pid < 0 ? 1 : 0);
}

static int wait_until(const char *what, long long limit_ns,
		      int (*cond)(void *), void *arg)
{
	long long deadline = now_ns() + limit_ns;

	while (!cond(arg)) {
		if (now_ns() > deadline) {
			msg("ERROR,timeout waiting for %s\n", what);
			return -ETIMEDOUT;
		}
		pause_ms(1);
	}
	return 0;
}

struct proc_cond {
	pid_t pid;
	long threads;
	char state;
};

/* S sleeps in its vfork wait (TASK_KILLABLE reads as D). */
static int cond_blocked(void *arg)
{
	struct proc_cond *pc = arg;

	return !proc_stat(pc->pid, &pc->state, &pc->threads) &&
		pc->state == 'D';
}

static int cond_retired(void *arg)
{
	struct proc_cond *pc = arg;

	return !proc_stat(pc->pid, &pc->state, &pc->threads) &&
		pc->threads <= 2;
}

static int cond_sent(void *arg)
{
	const long *want = arg;
	struct shared *sh = (struct shared *)(want + 1);

	return __atomic_load_n(&sh->sent, __ATOMIC_RELAXED) >= *want ||
		__atomic_load_n(&sh->errors, __ATOMIC_RELAXED);
}

/* What the parent holds of a round's S. */
struct round {
	long *area;		/* area[0]: works to queue; then struct shared */
	struct shared *sh;
	int ready;		/* read end: S has its workers */
	int go;			/* write end: close it to start the senders */
	int quit;		/* write end: a byte makes S exit, or -1 */
	pid_t s;
};

/*
 * Fork S with its senders: fifo_s for the vfork ending of the idle-exit
 * phase, or with_quit for the exit ending of the long-list phase.
 */
static int start_submitter(const struct params *pa, struct round *rd,
			   const char *fifo_w, const char *fifo_s, int with_quit,
			   int pend)
{
	int ready[2], go[2], quit[2] = { -1, -1 };

	rd->area = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (rd->area == MAP_FAILED || pipe2(ready, O_CLOEXEC) ||
	    pipe2(go, O_CLOEXEC) || (with_quit && pipe2(quit, O_CLOEXEC))) {
		msg("ERROR,setup,%s\n", strerror(errno));
		return -1;
	}
	rd->area[0] = pa->works;
	rd->sh = (struct shared *)(rd->area + 1);

	rd->s = fork();
	if (rd->s < 0) {
		msg("ERROR,fork,%s\n", strerror(errno));
		return -1;
	}
	if (rd->s == 0) {
		close(ready[0]);
		if (with_quit)
			close(quit[1]);
		submitter(pa, rd->sh, fifo_w, fifo_s, ready[1], go[0], go[1],
			  quit[0], pend);
	}
	setpgid(rd->s, rd->s);	/* S does it too; either order works */
	close(ready[1]);
	close(go[0]);
	if (with_quit)
		close(quit[0]);
	rd->ready = ready[0];
	rd->go = go[1];
	rd->quit = quit[1];
	return 0;
}

/* Start the senders and wait until they have queued N works on S. */
static int fill_list(struct round *rd)
{
	/* A long list on a loaded guest takes time: allow 0.2 ms per work. */
	long long limit = WAIT_LIMIT_NS + rd->area[0] * 200000LL;

	close(rd->go);
	rd->go = -1;
	if (wait_until("the senders", limit, cond_sent, rd->area)) {
		msg("ERROR,the senders queued %ld of %ld works\n",
		    __atomic_load_n(&rd->sh->sent, __ATOMIC_RELAXED), rd->area[0]);
		return -1;
	}
	if (rd->sh->errors) {
		msg("ERROR,a sender failed\n");
		return -1;
	}
	return 0;
}

/* Kill S, its senders and the vfork child, reap them, and free the rest. */
static void end_round(struct round *rd)
{
	int status;

	kill(-rd->s, SIGKILL);
	kill(rd->s, SIGKILL);
	while (wait(&status) > 0 || errno == EINTR)
		;
	if (rd->go >= 0)
		close(rd->go);
	if (rd->quit >= 0)
		close(rd->quit);
	if (rd->ready >= 0)
		close(rd->ready);
	munmap(rd->area, 4096);
}

static int one_round(const struct params *pa, long round, const char *dir)
{
	char fifo_w[128], fifo_s[128], c;
	struct round rd;
	struct proc_cond pc;
	long long t_rel, t_ret, t0, t1, t2;
	int wfd, status, ret = -1;
	long threads_before, left;

	snprintf(fifo_w, sizeof(fifo_w), "%s/td-workers-%ld", dir, round);
	snprintf(fifo_s, sizeof(fifo_s), "%s/td-vfork-%ld", dir, round);
	unlink(fifo_w);
	unlink(fifo_s);
	if (mkfifo(fifo_w, 0600) || mkfifo(fifo_s, 0600)) {
		msg("ERROR,mkfifo in %s,%s\n", dir, strerror(errno));
		return -1;
	}
	if (start_submitter(pa, &rd, fifo_w, fifo_s, 0, 0))
		return -1;

	/* S has its W workers, each asleep opening fifo_w. */
	if (read(rd.ready, &c, 1) != 1) {
		msg("ERROR,submitter failed before its workers were up\n");
		goto out;
	}
	pc.pid = rd.s;
	if (wait_until("S to block in vfork", WAIT_LIMIT_NS, cond_blocked, &pc))
		goto out;
	threads_before = pc.threads - 1;

	/* Go: the senders fill S's task_work list. */
	msg("PHASE,%ld,fill\n", round);
	if (fill_list(&rd))
		goto out;

	/* Let the W FIFO opens complete; idle workers exit after 5 s. */
	msg("PHASE,%ld,idle-exit\n", round);
	t_rel = now_ns();
	wfd = open(fifo_w, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (wfd < 0) {
		msg("ERROR,open %s for writing,%s\n", fifo_w, strerror(errno));
		goto out;
	}
	close(wfd);
	if (wait_until("idle io-wq workers to exit",
		       IDLE_TIMEOUT_NS + WAIT_LIMIT_NS, cond_retired, &pc))
		goto out;
	t_ret = now_ns();
	left = pc.threads - 1;

	/* Teardown. */
	msg("PHASE,%ld,teardown\n", round);
	t0 = now_ns();
	kill(rd.s, SIGKILL);
	while (waitpid(rd.s, &status, 0) < 0 && errno == EINTR)
		;
	t1 = now_ns();
	msg("PHASE,%ld,cleanup\n", round);
	kill(-rd.s, SIGKILL);
	while (wait(&status) > 0 || errno == EINTR)
		;
	t2 = now_ns();
	msg("TEARDOWN,%ld,%lld,%lld,%lld,%ld,%ld,%ld\n", round, t1 - t0,
	    t_ret - t_rel, t2 - t0, __atomic_load_n(&rd.sh->sent, __ATOMIC_RELAXED),
	    threads_before, left);
	ret = 0;
out:
	end_round(&rd);
	unlink(fifo_w);
	unlink(fifo_s);
	return ret;
}

/*
 * Wait for the traced S: until it stops at PTRACE_EVENT_EXIT (stop != 0),
 * or until it is reaped (stop == 0).  Any other stop is a signal-delivery
 * stop, continued with its signal.
 */
static int wait_traced(pid_t s, int stop)
{
	int status;

	for (;;) {
		if (waitpid(s, &status, __WALL) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (WIFEXITED(status) || WIFSIGNALED(status))
			return stop ? -ESRCH : 0;
		if (!WIFSTOPPED(status))
			continue;
		if (status >> 8 == (SIGTRAP | (PTRACE_EVENT_EXIT << 8))) {
			if (stop)
				return 0;
			ptrace(PTRACE_CONT, s, 0, 0);
		} else {
			ptrace(PTRACE_CONT, s, 0, WSTOPSIG(status));
		}
	}
}

/*
 * Long-list teardown: io-wq teardown while S's task_work list is N long.
 * A fresh S sets up its ring, senders and W workers asleep in FIFO opens,
 * then exits.  We trace it with PTRACE_O_TRACEEXIT, so do_exit() stops at
 * ptrace_event(PTRACE_EVENT_EXIT), after S last ran its task_work (on its
 * way back to user mode) and before io_uring_files_cancel().  A TASK_TRACED
 * sleep is not woken by TWA_SIGNAL, so the senders queue N works on S
 * there.  Then PTRACE_CONT: io_wq_exit_start() and io_wq_exit_workers()
 * each call io_wq_cancel_tw_create(), the W woken workers each run
 * io_worker_exit(), all against S's N works; exit_task_work() runs the N
 * works later.  Timed from PTRACE_CONT until S is reaped.
 */
static int longlist_round(const struct params *pa, long round, const char *dir,
			  int pend)
{
	char fifo[128], c, state;
	struct round rd;
	long long t0, t1;
	long threads;
	int ret = -1;

	snprintf(fifo, sizeof(fifo), "%s/td-long-%ld", dir, round);
	unlink(fifo);
	if (mkfifo(fifo, 0600)) {
		msg("ERROR,mkfifo in %s,%s\n", dir, strerror(errno));
		return -1;
	}
	if (start_submitter(pa, &rd, fifo, NULL, 1, pend))
		return -1;
	if (ptrace(PTRACE_SEIZE, rd.s, 0, PTRACE_O_TRACEEXIT)) {
		msg("ERROR,PTRACE_SEIZE,%s\n", strerror(errno));
		goto out;
	}
	if (read(rd.ready, &c, 1) != 1) {
		msg("ERROR,submitter failed before its workers were up\n");
		goto out;
	}
	if (write(rd.quit, "q", 1) != 1 || wait_traced(rd.s, 1)) {
		msg("ERROR,S did not stop at PTRACE_EVENT_EXIT\n");
		goto out;
	}
	if (proc_stat(rd.s, &state, &threads)) {
		msg("ERROR,read /proc/%d/stat\n", (int)rd.s);
		goto out;
	}

	/* S is stopped in do_exit(): the senders fill its list. */
	msg("PHASE,%ld,%s\n", round, pend ? "pending-fill" : "long-fill");
	if (fill_list(&rd))
		goto out;

	msg("PHASE,%ld,%s\n", round, pend ? "pending-teardown" : "long-teardown");
	t0 = now_ns();
	if (ptrace(PTRACE_CONT, rd.s, 0, 0) || wait_traced(rd.s, 0)) {
		msg("ERROR,S did not exit after PTRACE_CONT\n");
		goto out;
	}
	t1 = now_ns();
	msg("%s,%ld,%lld,%ld,%ld\n", pend ? "LONGPEND" : "LONGLIST", round, t1 - t0,
	    __atomic_load_n(&rd.sh->sent, __ATOMIC_RELAXED), threads - 1);
	msg("PHASE,%ld,cleanup\n", round);
	ret = 0;
out:
	end_round(&rd);
	unlink(fifo);
	return ret;
}

static long param(int argc, char **argv, const char *key, long def)
{
	size_t len = strlen(key);
	const char *v = getenv(key);
	int i;

	for (i = 1; i < argc; i++)
		if (!strncmp(argv[i], key, len) && argv[i][len] == '=')
			v = argv[i] + len + 1;
	return v ? strtol(v, NULL, 0) : def;
}

/* pid 1: /proc, a tmpfs for the FIFOs, and a console if there is none. */
static void init_mounts(void)
{
	mkdir("/proc", 0555);
	mount("proc", "/proc", "proc", 0, NULL);
	mkdir("/tmp", 01777);
	mount("tmpfs", "/tmp", "tmpfs", 0, NULL);
	if (fcntl(1, F_GETFD) < 0) {
		int fd;

		mkdir("/dev", 0755);
		mount("tmpfs", "/dev", "tmpfs", 0, NULL);
		mknod("/dev/console", S_IFCHR | 0600, makedev(5, 1));
		fd = open("/dev/console", O_RDWR);
		if (fd >= 0) {
			dup2(fd, 0);
			dup2(fd, 1);
			dup2(fd, 2);
			if (fd > 2)
				close(fd);
		}
	}
}

int main(int argc, char **argv)
{
	struct params pa;
	char dir[64] = "/tmp";
	long r, errors = 0;

	is_init = getpid() == 1;
	if (is_init)
		init_mounts();
	setvbuf(stdout, NULL, _IOLBF, 0);

	pa.rounds = param(argc, argv, "td_rounds", 3);
	pa.workers = param(argc, argv, "td_workers", 64);
	pa.works = param(argc, argv, "td_works", 100000);
	pa.senders = param(argc, argv, "td_senders", 2);
	pa.batch = param(argc, argv, "td_batch", 64);
	if (pa.rounds < 1 || pa.workers < 2 || pa.works < 1 || pa.senders < 1 ||
	    pa.batch < 1 || pa.batch > 4096) {
		msg("ERROR,bad parameters\n");
		errors++;
		goto done;
	}
	if (!is_init && !mkdtemp(strcpy(dir, "/tmp/teardown.XXXXXX"))) {
		msg("ERROR,mkdtemp,%s\n", strerror(errno));
		errors++;
		goto done;
	}
	msg("PARAMS,rounds=%ld,workers=%ld,works=%ld,senders=%ld,batch=%ld\n",
	    pa.rounds, pa.workers, pa.works, pa.senders, pa.batch);
	for (r = 1; r <= pa.rounds; r++) {
		if (one_round(&pa, r, dir))
			errors++;
		if (longlist_round(&pa, r, dir, 0))
			errors++;
		if (longlist_round(&pa, r, dir, 1))
			errors++;
	}
	if (!is_init)
		rmdir(dir);
done:
	msg("DONE,%ld,%ld\n", pa.rounds, errors);
	if (is_init) {
		sync();
		reboot(RB_POWER_OFF);
		reboot(RB_HALT_SYSTEM);
		for (;;)
			pause();
	}
	return errors ? 1 : 0;
}
