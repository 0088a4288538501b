// Two processes, one address: each process has its own address space and its own page
// tables, so one virtual address means different memory in each. One process runs at a
// time; when it waits (here at _getch), the CPU switches to the next one: CR3 is loaded
// with that process's PML4, and the TLB is flushed, because its entries translate the
// old process's addresses. Watch for: main and reader both get the address
// 0x23456700000, backed by two different frames; the tab of the running process; and
// the TLB miss after each switch.
#pragma pagelab frames=8 working_set=4 tlb=4
#include <windows.h>
#include <stdio.h>

// main's program: the first process.
char *p = VirtualAlloc(NULL, 4096, MEM_COMMIT, PAGE_READWRITE);
//? Which frame holds main's page once strcpy writes it? => frame
strcpy(p, "main's bytes");
printf("main: p = %p holds \"%s\"\n", p, p);
// main waits for a key: the CPU switches to reader (a step of its own).
_getch();
printf("main again: p still holds \"%s\"\n", p);

#pragma pagelab process reader
// reader's program: its own address space, in which the same address is free.
char *q = VirtualAlloc(NULL, 4096, MEM_COMMIT, PAGE_READWRITE);
//? reader writes to the same address in its own space: which frame holds that page? => frame
strcpy(q, "reader's bytes");
printf("reader: q = %p holds \"%s\"\n", q, q);
// reader waits too: main runs again, then ends, and reader comes back.
_getch();
// The switches flushed the TLB, so reader's translation of q is gone.
//? Does reader's first look-up of q after the switches hit the TLB? => tlb
printf("reader again: q still holds \"%s\"\n", q);
// Takeaway: each process has its own page tables, so the same virtual address maps to
// different frames in each; a context switch loads CR3 and flushes the TLB.
