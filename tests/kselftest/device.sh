#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Run a kselftest tarball the way a KernelCI device does: boot the kernel
# under test with a plain init (busybox, not the ktstr agent: no relay,
# no host attached), unpack the tarball, optionally start a sched_ext
# scheduler, run the kernel's run_kselftest.sh -c COLLECTION, and print
# its output (TAP) on stdout. QEMU directly, TCG: nothing of ktstr runs.
#
#   device.sh [--scheduler BIN] [--collection C] BZIMAGE TARBALL
#
# Exit 0 when the runner ran to its end (its verdicts are in the output),
# 1 when the boot or the runner did not finish.
set -eu
sched=""
collection=ktstr
while [ $# -gt 2 ]; do
	case $1 in
	--scheduler) sched=$2; shift 2 ;;
	--collection) collection=$2; shift 2 ;;
	*) echo "device.sh: unknown option $1" >&2; exit 2 ;;
	esac
done
if [ $# -ne 2 ]; then
	echo "usage: device.sh [--scheduler BIN] [--collection C] BZIMAGE TARBALL" >&2
	exit 2
fi
bzimage=$1
tarball=$2
for f in "$bzimage" "$tarball" /bin/busybox ${sched:+"$sched"}; do
	[ -r "$f" ] || { echo "device.sh: cannot read $f" >&2; exit 2; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
root=$work/root
mkdir -p "$root/bin" "$root/proc" "$root/sys" "$root/dev" "$root/tmp" \
	"$root/kselftest" "$root/sched"
cp /bin/busybox "$root/bin/busybox"
tar -xzf "$tarball" -C "$root/kselftest"
[ -n "$sched" ] && cp "$sched" "$root/sched/"
# What a device's root has and the runner uses: stdbuf line-buffers each
# test's output (a fully buffered program that forks repeats it).
for f in /usr/bin/stdbuf /usr/libexec/coreutils/libstdbuf.so; do
	[ -r "$f" ] || continue
	mkdir -p "$root$(dirname "$f")"
	cp "$f" "$root$f"
done

# The shared libraries of every dynamic ELF in the image, at their paths.
find "$root/kselftest" "$root/sched" "$root/usr" -type f -perm -u+x | while read -r f; do
	ldd "$f" 2>/dev/null | awk '/=> \//{print $3} /^\t\//{print $1}'
done | sort -u | while read -r lib; do
	mkdir -p "$root$(dirname "$lib")"
	cp -L "$lib" "$root$lib"
done

cat >"$root/init" <<EOF
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
# What udev makes on a real rootfs; the runner writes to /dev/stdout.
ln -s /proc/self/fd /dev/fd
ln -s /proc/self/fd/0 /dev/stdin
ln -s /proc/self/fd/1 /dev/stdout
ln -s /proc/self/fd/2 /dev/stderr
mount -t tmpfs tmp /tmp
mount -t cgroup2 cgroup2 /sys/fs/cgroup
dmesg -n 1
sched=\$(ls /sched)
if [ -n "\$sched" ]; then
	/sched/\$sched >/tmp/sched.log 2>&1 &
	i=0
	while [ "\$(cat /sys/kernel/sched_ext/state)" != enabled ] && [ \$i -lt 600 ]; do
		sleep 0.1; i=\$((i + 1))
	done
	echo "device: sched_ext \$(cat /sys/kernel/sched_ext/state) (\$sched)"
fi
echo "device: runner starts at \$(cut -d" " -f1 /proc/uptime) s"
cd /kselftest
# Append: the runner reopens /dev/stdout for the tests' own output.
./run_kselftest.sh -c $collection >>/tmp/ktap.txt 2>&1
echo "device: runner exit \$? at \$(cut -d" " -f1 /proc/uptime) s"
echo "device: sched_ext \$(cat /sys/kernel/sched_ext/state) at the end"
# Why a scheduler went away, in the kernel's and its own words.
dmesg | grep -iE 'sched_ext|oom|killed process' | tail -20 | sed 's/^/device: dmesg: /'
[ -n "\$sched" ] && tail -5 /tmp/sched.log | sed 's/^/device: scheduler: /'
echo "===KTAP BEGIN==="
cat /tmp/ktap.txt
echo "===KTAP END==="
poweroff -f
EOF
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$work/initrd"

# TCG always: a device run must not depend on this host's KVM. The
# machine, CPUs, memory and command line are ktstr's defaults (ktstr -vv
# prints them), so the two compare (scripts/bench-kselftest.sh).
timeout 1500 qemu-system-x86_64 -nodefaults -no-user-config -no-reboot \
	-machine q35 -accel tcg,thread=multi,tb-size=256 -cpu max \
	-smp 2,sockets=1,dies=1,cores=2,threads=1 -m 512M \
	-kernel "$bzimage" -initrd "$work/initrd" \
	-append "console=ttyS0 panic=-1 mitigations=off no_timer_check 8250.nr_uarts=1 rdinit=/init loglevel=1" \
	-display none -serial "file:$work/console" </dev/null || true
grep '^device: ' "$work/console" | sed 's/\r$//' >&2 || true
if ! grep -q '^===KTAP END===' "$work/console"; then
	echo "device.sh: the runner did not finish; console tail:" >&2
	tail -20 "$work/console" >&2
	exit 1
fi
sed -n '/^===KTAP BEGIN===/,/^===KTAP END===/p' "$work/console" |
	sed '1d;$d;s/\r$//'
