# SPDX-License-Identifier: GPL-2.0
#
# kunit.py --qemu_config for the x86_64 configuration of this harness
# (configs/x86.kunitconfig): a serial console for the results, the qboot
# firmware, and 4 vCPUs, so that the racing cases run on several
# CPUs.  kunit.py asks QEMU for KVM first and falls back to TCG;
# scripts/lib.sh's run_x86 hides a /dev/kvm that opens but cannot run the
# guest.
#
# The Kconfig lines after the console leave out what x86_64's defaults
# bring and a QEMU guest with only a serial port does not use (ACPI, power
# management, machine checks, tracing, the input, console and USB layers):
# about a quarter fewer objects, and so a shorter cold build.  SMP comes up
# from qboot's MP table.
from ..qemu_config import QemuArchParams

QEMU_ARCH = QemuArchParams(linux_arch='x86_64',
			   kconfig='''
CONFIG_SERIAL_8250=y
CONFIG_SERIAL_8250_CONSOLE=y
CONFIG_EXPERT=y
# CONFIG_ACPI is not set
# CONFIG_CPU_IDLE is not set
# CONFIG_SUSPEND is not set
# CONFIG_HIBERNATION is not set
# CONFIG_PM is not set
# CONFIG_X86_MCE is not set
# CONFIG_INPUT is not set
# CONFIG_VT is not set
# CONFIG_HID_SUPPORT is not set
# CONFIG_USB_SUPPORT is not set
# CONFIG_FTRACE is not set
# CONFIG_UPROBES is not set
# CONFIG_X86_EXTENDED_PLATFORM is not set
# CONFIG_X86_16BIT is not set
# CONFIG_SWAP is not set''',
			   qemu_arch='x86_64',
			   kernel_path='arch/x86/boot/bzImage',
			   kernel_command_line='console=ttyS0',
			   extra_qemu_params=['-bios', 'qboot.rom', '-smp', '4'])
