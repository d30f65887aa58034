// SPDX-License-Identifier: GPL-2.0
/*
 * kunit-init: the whole user space of the x86_64 kmemleak run
 * (scripts/kmemleak.sh, configuration x86 of make stress).
 * Built static and booted as /init of an initramfs.
 *
 * The KUnit suites are built in and have run by the time this program
 * starts.  What a KUnit run cannot do by itself is have kmemleak report:
 * kmemleak reports only after a scan, and its first automatic scan comes
 * a minute after boot.  This program
 *
 *  1. loads samples/kmemleak's module, which leaks on purpose: a scan
 *     that does not list its leaks has not worked;
 *  2. copies each suite's results file, which is KTAP, to the second
 *     serial port, /dev/ttyS1, between marker lines: not to the console,
 *     where the kernel prints from a thread of its own and its lines
 *     would land in the middle of the KTAP;
 *  3. asks for scans, copies /sys/kernel/debug/kmemleak to /dev/ttyS1
 *     and prints a count of the objects it lists;
 *  4. unloads the module (after the scan, so that the report names its
 *     functions) and restarts the machine, which QEMU's -no-reboot turns
 *     into an exit.
 *
 * Kernel command line: kunit_init.modules=kmemleak-test (modules to
 * load, from /lib/<name>.ko, and unload, by module name) and
 * kunit_init.suites=task_work,io_wq (the suites whose results to copy).
 * Every line this program prints on the console starts with
 * "kunit-init: ".  On /dev/ttyS1 it writes only copies: each suite's
 * results between "kunit-init: begin results <suite>" and
 * "kunit-init: end results <suite>", then kmemleak's report between
 * "kunit-init: begin kmemleak" and "kunit-init: end kmemleak".
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define DEBUGFS "/sys/kernel/debug"

static void say(const char *fmt, ...)
{
	va_list ap;

	printf("kunit-init: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static void stop(int failed)
{
	say("%s; restarting (QEMU exits)", failed ? "FAILED" : "done");
	sync();
	reboot(RB_AUTOBOOT);
	/* Only reached if reboot() failed: init must not exit. */
	for (;;)
		pause();
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0) {
		say("cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	n = write(fd, text, strlen(text));
	close(fd);
	if (n != (ssize_t)strlen(text)) {
		say("cannot write '%s' to %s: %s", text, path,
		    n < 0 ? strerror(errno) : "short write");
		return -1;
	}
	return 0;
}

/* Copy @path to @out between begin and end lines; count @needle. */
static int copy_file(const char *path, FILE *out, const char *what,
		     const char *needle, long *count)
{
	char line[4096];
	FILE *f = fopen(path, "r");

	if (!f) {
		say("cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	fprintf(out, "kunit-init: begin %s\n", what);
	while (fgets(line, sizeof(line), f)) {
		if (needle && strstr(line, needle))
			(*count)++;
		fputs(line, out);
	}
	fclose(f);
	fprintf(out, "kunit-init: end %s\n", what);
	fflush(out);
	return 0;
}

/* The value of NAME=value on the kernel command line, or NULL. */
static char *cmdline_value(const char *name, char *buf, size_t size)
{
	size_t len = strlen(name);
	char *tok, *save;
	FILE *f;

	f = fopen("/proc/cmdline", "r");
	if (!f)
		return NULL;
	if (!fgets(buf, size, f))
		buf[0] = '\0';
	fclose(f);
	for (tok = strtok_r(buf, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save))
		if (!strncmp(tok, name, len) && tok[len] == '=')
			return tok + len + 1;
	return NULL;
}

/* Load /lib/@name.ko; its KUnit suites run before this returns. */
static int load_module(const char *name)
{
	char path[256];
	int fd, ret;

	snprintf(path, sizeof(path), "/lib/%s.ko", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		say("cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	say("loading %s", path);
	ret = syscall(SYS_finit_module, fd, "", 0);
	close(fd);
	if (ret) {
		say("cannot load %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

static int unload_module(const char *name)
{
	char mod[128];
	char *c;

	/* The module name is the file name with '-' turned into '_'. */
	snprintf(mod, sizeof(mod), "%s", name);
	for (c = mod; *c; c++)
		if (*c == '-')
			*c = '_';
	if (syscall(SYS_delete_module, mod, O_NONBLOCK)) {
		say("cannot unload %s: %s", mod, strerror(errno));
		return -1;
	}
	say("unloaded %s", mod);
	return 0;
}

int main(void)
{
	char path[256], what[128], mbuf[4096], sbuf[4096], modlist[1024];
	struct timespec age = { .tv_sec = 6 };
	char *mods, *suites, *suite, *save, *mod;
	long leaks = 0;
	int failed = 0;
	FILE *res;

	setvbuf(stdout, NULL, _IOLBF, 0);
	mkdir("/proc", 0755);
	mkdir("/sys", 0755);
	if (mount("proc", "/proc", "proc", 0, NULL) ||
	    mount("sysfs", "/sys", "sysfs", 0, NULL) ||
	    mount("debugfs", DEBUGFS, "debugfs", 0, NULL)) {
		say("cannot mount proc, sysfs or debugfs: %s", strerror(errno));
		stop(1);
	}

	res = fopen("/dev/ttyS1", "w");
	if (!res) {
		say("cannot open /dev/ttyS1 for the results: %s", strerror(errno));
		stop(1);
	}

	/* 1. The control module, then the results of the suites. */
	mods = cmdline_value("kunit_init.modules", mbuf, sizeof(mbuf));
	suites = cmdline_value("kunit_init.suites", sbuf, sizeof(sbuf));
	if (!mods || !suites) {
		say("no kunit_init.modules= or kunit_init.suites= on the kernel command line");
		stop(1);
	}
	snprintf(modlist, sizeof(modlist), "%s", mods);
	for (mod = strtok_r(mods, ",", &save); mod; mod = strtok_r(NULL, ",", &save))
		if (load_module(mod))
			stop(1);
	for (suite = strtok_r(suites, ",", &save); suite; suite = strtok_r(NULL, ",", &save)) {
		snprintf(path, sizeof(path), DEBUGFS "/kunit/%s/results", suite);
		snprintf(what, sizeof(what), "results %s", suite);
		if (copy_file(path, res, what, NULL, NULL))
			failed = 1;
		say("results of %s copied to /dev/ttyS1", suite);
	}

	/*
	 * 3. kmemleak lists only objects older than five seconds
	 * (MSECS_MIN_AGE in mm/kmemleak.c): let the last case's allocations
	 * reach that age.  This is kmemleak's rule, not a wait for the
	 * tests, which have all returned by now.  And it does not report an
	 * object in the first scan that sees it, since its checksum changed
	 * (it was never computed): scan twice.
	 */
	nanosleep(&age, NULL);
	if (write_file(DEBUGFS "/kmemleak", "scan") ||
	    write_file(DEBUGFS "/kmemleak", "scan"))
		stop(1);
	if (copy_file(DEBUGFS "/kmemleak", res, "kmemleak", "unreferenced object", &leaks))
		stop(1);
	say("kmemleak listed %ld objects (report copied to /dev/ttyS1)", leaks);

	/*
	 * 4. Unload the modules, last: their exit paths run under KASAN too,
	 * and kmemleak's report above names functions of loaded modules.
	 */
	for (mod = strtok_r(modlist, ",", &save); mod; mod = strtok_r(NULL, ",", &save))
		if (unload_module(mod))
			failed = 1;

	stop(failed);
	return 0;
}
