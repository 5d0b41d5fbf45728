// SPDX-License-Identifier: GPL-2.0
/*
 * --info: what this kernel and this build can do, in bpftrace's layout
 * (sections of "  name: yes/no" lines). Helpers, map and program types
 * are probed by loading tiny programs through libbpf's probe API.
 */
#include "driver.h"
#include "probes/multi.h"

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <llvm-c/Core.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

static const char *yes(bool b)
{
	return b ? "yes" : "no";
}

static bool have_helper(enum bpf_prog_type pt, enum bpf_func_id id)
{
	return libbpf_probe_bpf_helper(pt, id, NULL) > 0;
}

static bool have_file(const char *path)
{
	return access(path, F_OK) == 0;
}

/*
 * Whether a tracing program of attach type `type` at vmlinux's BTF type
 * `name` loads: libbpf's generic probe of the program type says no where
 * fentry cannot load though tp_btf and iter can (no ftrace).
 */
static bool have_tracing(struct btf *vmlinux, enum bpf_attach_type type, const char *name, int kind)
{
	const struct bpf_insn insns[] = {
		{.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0},
		{.code = BPF_JMP | BPF_EXIT},
	};
	int id = vmlinux ? btf__find_by_name_kind(vmlinux, name, kind) : -1;
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = type);
	int fd;

	if (id <= 0)
		return false;
	opts.attach_btf_id = (uint32_t)id;
	fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, NULL, "GPL", insns, 2, &opts);
	if (fd >= 0)
		close(fd);
	return fd >= 0;
}

int driver_info(FILE *out, const char *version)
{
	struct utsname u;
	unsigned major = 0, minor = 0, patch = 0;
	static const struct {
		const char *name;
		enum bpf_func_id id;
	} helpers[] = {
		{"probe_read", BPF_FUNC_probe_read},
		{"probe_read_str", BPF_FUNC_probe_read_str},
		{"probe_read_user", BPF_FUNC_probe_read_user},
		{"probe_read_user_str", BPF_FUNC_probe_read_user_str},
		{"probe_read_kernel", BPF_FUNC_probe_read_kernel},
		{"probe_read_kernel_str", BPF_FUNC_probe_read_kernel_str},
		{"get_current_cgroup_id", BPF_FUNC_get_current_cgroup_id},
		{"send_signal", BPF_FUNC_send_signal},
		{"override_return", BPF_FUNC_override_return},
		{"get_boot_ns", BPF_FUNC_ktime_get_boot_ns},
		{"dpath", BPF_FUNC_d_path},
		{"skboutput", BPF_FUNC_skb_output},
		{"get_tai_ns", BPF_FUNC_ktime_get_tai_ns},
		{"get_func_ip", BPF_FUNC_get_func_ip},
		{"jiffies64", BPF_FUNC_jiffies64},
		{"for_each_map_elem", BPF_FUNC_for_each_map_elem},
		{"get_stackid", BPF_FUNC_get_stackid},
		{"ringbuf_output", BPF_FUNC_ringbuf_output},
	};
	static const struct {
		const char *name;
		enum bpf_map_type t;
	} maps[] = {
		{"hash", BPF_MAP_TYPE_HASH},
		{"percpu hash", BPF_MAP_TYPE_PERCPU_HASH},
		{"array", BPF_MAP_TYPE_ARRAY},
		{"percpu array", BPF_MAP_TYPE_PERCPU_ARRAY},
		{"stack_trace", BPF_MAP_TYPE_STACK_TRACE},
		{"perf_event_array", BPF_MAP_TYPE_PERF_EVENT_ARRAY},
		{"ringbuf", BPF_MAP_TYPE_RINGBUF},
	};
	static const struct {
		const char *name;
		enum bpf_prog_type t;
	} progs[] = {
		{"tracepoint", BPF_PROG_TYPE_TRACEPOINT},
		{"perf_event", BPF_PROG_TYPE_PERF_EVENT},
		{"raw_tracepoint", BPF_PROG_TYPE_RAW_TRACEPOINT},
	};

	if (uname(&u) == 0) {
		fprintf(out, "System\n  OS: %s %s %s\n  Arch: %s\n\n", u.sysname, u.release,
			u.version, u.machine);
	}
	LLVMGetVersion(&major, &minor, &patch);
	fprintf(out, "Build\n  version: v%s\n  LLVM: %u.%u.%u\n  libbpf: %u.%u\n", version, major,
		minor, patch, libbpf_major_version(), libbpf_minor_version());
	fprintf(out, "  libelf: yes\n  libdw: yes\n  bcc: no\n\n");

	fprintf(out, "Kernel helpers\n");
	for (size_t i = 0; i < sizeof(helpers) / sizeof(helpers[0]); i++) {
		enum bpf_prog_type pt = helpers[i].id == BPF_FUNC_override_return ||
							helpers[i].id == BPF_FUNC_get_func_ip
						? BPF_PROG_TYPE_KPROBE
						: BPF_PROG_TYPE_TRACEPOINT;
		if (helpers[i].id == BPF_FUNC_d_path || helpers[i].id == BPF_FUNC_skb_output)
			pt = BPF_PROG_TYPE_TRACING;
		fprintf(out, "  %s: %s\n", helpers[i].name, yes(have_helper(pt, helpers[i].id)));
	}
	fprintf(out, "\nKernel features\n");
	fprintf(out, "  Instruction limit: %d\n",
		libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_SOCKET_FILTER, NULL) > 0 ? 1000000 : 4096);
	fprintf(out, "  Loop support: %s\n",
		yes(have_helper(BPF_PROG_TYPE_TRACEPOINT, BPF_FUNC_loop)));
	fprintf(out, "  btf: %s\n", yes(have_file("/sys/kernel/btf/vmlinux")));
	fprintf(out, "  module btf: %s\n", yes(have_file("/sys/kernel/btf")));
	/* The perf PMUs are what attaching uses; they exist whether or not tracefs is mounted. */
	fprintf(out, "  kprobes: %s\n", yes(have_file("/sys/bus/event_source/devices/kprobe")));
	fprintf(out, "  uprobes: %s\n", yes(have_file("/sys/bus/event_source/devices/uprobe")));
	fprintf(out, "\nMap types\n");
	for (size_t i = 0; i < sizeof(maps) / sizeof(maps[0]); i++)
		fprintf(out, "  %s: %s\n", maps[i].name,
			yes(libbpf_probe_bpf_map_type(maps[i].t, NULL) > 0));
	fprintf(out, "\nProbe types\n");
	for (size_t i = 0; i < sizeof(progs) / sizeof(progs[0]); i++)
		fprintf(out, "  %s: %s\n", progs[i].name,
			yes(libbpf_probe_bpf_prog_type(progs[i].t, NULL) > 0));
	fprintf(out, "  kprobe: %s\n",
		yes(libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_KPROBE, NULL) > 0));
	struct btf *vmlinux = btf__load_vmlinux_btf();
	if (libbpf_get_error(vmlinux))
		vmlinux = NULL;
	fprintf(out, "  fentry: %s\n",
		yes(have_tracing(vmlinux, BPF_TRACE_FENTRY, "vfs_read", BTF_KIND_FUNC)));
	fprintf(out, "  tp_btf: %s\n",
		yes(have_tracing(vmlinux, BPF_TRACE_RAW_TP, "btf_trace_sched_switch",
				 BTF_KIND_TYPEDEF)));
	fprintf(out, "  iter: %s\n",
		yes(have_tracing(vmlinux, BPF_TRACE_ITER, "bpf_iter_task", BTF_KIND_FUNC)));
	btf__free(vmlinux);
	/* Multi links: asked the way attaching asks, so --info says what probes will use. */
	fprintf(out, "  kprobe_multi: %s\n", yes(multi_kprobe_kernel()));
	fprintf(out, "  uprobe_multi: %s\n", yes(multi_uprobe_kernel(false)));
	return 0;
}
