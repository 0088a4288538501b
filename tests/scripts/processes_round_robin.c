// Two processes take turns at their waiting calls (DESIGN §9): each has its own
// address space, so the same address holds different bytes in each.
#pragma pagelab frames=8 working_set=4 tlb=4
char *p = VirtualAlloc(NULL, 4096, MEM_COMMIT, PAGE_READWRITE);
strcpy(p, "written by main");
printf("main is process %u; p = %p\n", GetCurrentProcessId(), p);
_getch();
printf("main again: %s\n", p);
Sleep(0);
puts("main ends");

#pragma pagelab process reader
char *q = VirtualAlloc(NULL, 4096, MEM_COMMIT, PAGE_READWRITE);
printf("reader is process %u; q = %p holds \"%s\"\n", GetCurrentProcessId(), q, q);
MessageBox(NULL, "the reader waits for OK", "PageLab", MB_OK);
printf("WaitForSingleObject gives %#x\n", WaitForSingleObject(GetCurrentProcess(), 0));
puts("reader ends");
