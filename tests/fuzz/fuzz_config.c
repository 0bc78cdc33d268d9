// SPDX-License-Identifier: MIT
/*
 * Fuzz target: hardware description files and --set overrides.
 *
 * The input is written to an in-memory file (fz_file) and loaded with
 * nb_hwparams_load over one
 * of three bases (by the input's length: the neutral defaults, an all-zero
 * description, a shipped config);
 * then each of its lines is applied with nb_hwparams_set over the defaults.
 * Every call either succeeds, and then the description passes
 * nb_hwparams_validate and (for a load) survives nb_hwparams_write and a
 * reload unchanged, or fails with a negative errno, a one-line nb_errmsg()
 * that names the input (the file's path / "--set"), and the description left
 * exactly as it was. Never a crash, a hang or a leak.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_input.h"
#include "nestbench/hwparams.h"

#ifndef NB_CONFIGS_DIR
#define NB_CONFIGS_DIR "configs"
#endif

/* libconfig 1.5 (Debian 12) leaks the string token its scanner holds when
 * a syntax error follows a string literal (config_destroy does not free
 * it): reproduced with libconfig alone (config_read_string of
 * 'a "8"; b = 1;'), outside nestbench. Not ours to fix; the scanner's two
 * allocation sites are suppressed, so any other leak is still a finding.
 * It makes one input in seven leak, and libFuzzer's leak check after such
 * an input scans the whole heap: scripts/fuzz runs this target with
 * -detect_leaks=0, and LeakSanitizer checks the whole run when it ends. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:strbuf_append\nleak:libconfig_yylex\n";
}

static struct fz_file in = { .fd = -1 };
static const char *in_path;
static char out_path[128];
static struct nb_hw_params shipped;
static bool have_shipped;

static void remove_files(void)
{
	unlink(out_path);
}

/* The input in memory; the write-back in tmpfs (nb_hwparams_write syncs). */
static void setup_once(void)
{
	if (in.fd >= 0)
		return;
	fz_file_open(&in, "nb-fuzz-config");
	in_path = in.path;
	snprintf(out_path, sizeof(out_path), "%s/nb-fuzz-config-%d.out.cfg", fz_tmpdir(), (int)getpid());
	atexit(remove_files);
	nb_hwparams_defaults(&shipped, NB_VENDOR_SMMUV3);
	have_shipped = nb_hwparams_load(&shipped, NB_CONFIGS_DIR "/smmuv3.cfg") == 0;
}

static void check_message(const char *names)
{
	const char *msg = nb_errmsg();

	FZ_CHECK(msg[0], "failed without a message");
	FZ_CHECK(!strchr(msg, '\n'), "message is more than one line: %s", msg);
	FZ_CHECK(strstr(msg, names), "message does not name '%s': %s", names, msg);
}

static void load_over(const struct nb_hw_params *base)
{
	struct nb_hw_params p, before, again;
	int rc;

	memcpy(&p, base, sizeof(p));
	memcpy(&before, base, sizeof(p));
	nb_errclear();
	rc = nb_hwparams_load(&p, in_path);
	if (rc) {
		FZ_CHECK(rc < 0, "load returned %d", rc);
		check_message(in_path);
		FZ_CHECK(memcmp(&p, &before, sizeof(p)) == 0, "a failed load changed the description: %s",
			 nb_errmsg());
		return;
	}
	FZ_CHECK(nb_hwparams_validate(&p) == 0, "loaded, but invalid: %s", nb_errmsg());
	FZ_CHECK(nb_hwparams_write(&p, out_path) == 0, "write back: %s", nb_errmsg());
	memset(&again, 0, sizeof(again));
	FZ_CHECK(nb_hwparams_load(&again, out_path) == 0, "reload of the written file: %s", nb_errmsg());
	FZ_CHECK(memcmp(&p, &again, sizeof(p)) == 0, "written file does not read back the same");
}

static void set_lines(const uint8_t *data, size_t size)
{
	struct nb_hw_params p, before;
	char line[2048];
	size_t i = 0;
	int lines = 0;

	nb_hwparams_defaults(&p, NB_VENDOR_VTD);
	/* 8 lines: each is checked on its own, and the 64 of old were three
	 * quarters of an input's time */
	while (i < size && lines++ < 8) {
		size_t n = 0;
		int rc;

		while (i < size && data[i] != '\n') {
			if (n < sizeof(line) - 1)
				line[n++] = (char)data[i];
			i++;
		}
		i++; /* the newline */
		line[n] = '\0';
		memcpy(&before, &p, sizeof(p));
		nb_errclear();
		rc = nb_hwparams_set(&p, line);
		if (rc) {
			FZ_CHECK(rc < 0, "set returned %d", rc);
			check_message("--set");
			FZ_CHECK(memcmp(&p, &before, sizeof(p)) == 0, "a failed --set changed the description: %s",
				 nb_errmsg());
		} else {
			FZ_CHECK(nb_hwparams_validate(&p) == 0, "--set '%s' accepted, result invalid: %s", line,
				 nb_errmsg());
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nb_hw_params base;

	setup_once();
	fz_file_write(&in, data, size);
	/* One base per input, chosen by the input's length so that its text
	 * stays free. */
	switch (size % 3) {
	case 0:
		nb_hwparams_defaults(&base, NB_VENDOR_VTD);
		break;
	case 1:
		memset(&base, 0, sizeof(base));
		break;
	default:
		if (have_shipped)
			memcpy(&base, &shipped, sizeof(base));
		else
			nb_hwparams_defaults(&base, NB_VENDOR_SMMUV3);
		break;
	}
	load_over(&base);
	set_lines(data, size);
	return 0;
}
