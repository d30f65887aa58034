# SPDX-License-Identifier: GPL-2.0
#
# kunit.py --qemu_config for the x86_64 configurations of this harness
# (configs/kcsan-x86.kunitconfig): a serial console for the results, the
# qboot firmware, and 4 vCPUs, so that the concurrent cases run on several
# CPUs.  kunit.py asks QEMU for KVM first and falls back to TCG;
# scripts/lib.sh's run_x86 hides a /dev/kvm that opens but cannot run the
# guest.
from ..qemu_config import QemuArchParams

QEMU_ARCH = QemuArchParams(linux_arch='x86_64',
			   kconfig='''
CONFIG_SERIAL_8250=y
CONFIG_SERIAL_8250_CONSOLE=y''',
			   qemu_arch='x86_64',
			   kernel_path='arch/x86/boot/bzImage',
			   kernel_command_line='console=ttyS0',
			   extra_qemu_params=['-bios', 'qboot.rom', '-smp', '4'])
