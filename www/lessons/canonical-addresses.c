// 48-bit canonical addresses. A pointer on x86-64 Windows is 64 bits wide, but the CPU
// translates only the low 48: 2^48 bytes = 256 TB of virtual address space. Bits 48-63
// must all copy bit 47 (a "canonical" address), so the space is two halves of 128 TB:
// 0x0000000000000000-0x00007FFFFFFFFFFF for user mode and 0xFFFF800000000000 upwards for
// the kernel. All 64 bits would give 16 EB (16 million TB): far more than any machine needs,
// and every extra bit would cost page tables another level. 48 bits = four levels of
// 9-bit table indices plus a 12-bit page offset.
#pragma pagelab frames=8 pagefile=8 working_set=4
#include <windows.h>
#include <stdio.h>

int main() {
    // The highest 64 KB block a program may allocate ends at 0x7FFFFFFEFFFF, just below 128 TB.
    char *hi = VirtualAlloc(0x7FFFFFFE0000, 4096, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    printf("highest user block: %p\n", hi);
    hi[0] = 'x';
    // One byte past the user half: VirtualAlloc refuses with ERROR_INVALID_PARAMETER (87).
    //? What does GetLastError() say after asking for 0x800000000000, one byte past the user half? => error
    char *no = VirtualAlloc(0x800000000000, 4096, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    printf("past the user half: %p, GetLastError() = %lu\n", no, GetLastError());
    // A kernel address is canonical, but user mode may not touch it: an access violation.
    //? What does reading a kernel-half address from user mode raise? => exception
    read(0xFFFF800000000000, 1);
    // 0x0000800000000000 is not canonical at all (bit 47 set, bits 48-63 clear): the CPU
    // refuses it before any table is read, and Windows reports the address as -1.
    read(0x0000800000000000, 1);
    printf("user mode owns 128 TB of the 256 TB the CPU can translate\n");
    return 0;
}
// Takeaway: a 64-bit pointer carries a 48-bit address: 256 TB in all, the lower 128 TB for
// the program and the upper 128 TB for the kernel; anything else is refused.
