// Four frames, a working set of three pages: writing six pages pushes pages out,
// and every byte still reads back the same.
#pragma pagelab frames=4 pagefile=16 working_set=3 policy=fifo cluster=1

char *p = VirtualAlloc(NULL, 8 * 4096, MEM_COMMIT, PAGE_READWRITE);
for (int i = 0; i < 6; i++) {
    p[i * 4096] = 'A' + i;
}
PageOut(p + 5 * 4096);
WriteModifiedPages();
EmptyWorkingSet(GetCurrentProcess());
printf("%c%c%c%c%c%c\n", p[0], p[4096], p[2 * 4096], p[3 * 4096], p[4 * 4096], p[5 * 4096]);
write(p + 100, 0x1122334455667788, 8);
printf("read: %llx\n", read(p + 100, 8));
printf("a never-touched page reads %d\n", read(p + 7 * 4096, 4));
write(p + 8 * 4096, 1, 1);
