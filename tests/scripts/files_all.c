// Files on the disk and file-backed sections (docs/windows-sections.md §2.3, §7):
// every CreateFile disposition, ReadFile/WriteFile, SetFilePointer, GetFileSize,
// DeleteFile and the file-backed CreateFileMapping errors.
#pragma pagelab frames=8 pagefile=8
#pragma pagelab file data.txt "0123456789"
#pragma pagelab file empty.bin size=0
char *buf = VirtualAlloc(NULL, 4096, MEM_COMMIT, PAGE_READWRITE);
DWORD n;
HANDLE bad = CreateFile("missing.txt", GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL);
printf("%d %d\n", bad == INVALID_HANDLE_VALUE, GetLastError());
HANDLE dup = CreateFile("data.txt", GENERIC_READ, 0, NULL, CREATE_NEW, 0, NULL);
printf("%d %d\n", dup == INVALID_HANDLE_VALUE, GetLastError());
HANDLE h = CreateFile("data.txt", GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ, NULL, OPEN_ALWAYS, 0, NULL);
printf("open always: %d\n", GetLastError());
HANDLE clash = CreateFile("data.txt", GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0, NULL);
printf("sharing: %d\n", GetLastError());
ReadFile(h, buf, 4, &n, NULL);
printf("read %d: %s\n", n, buf);
SetFilePointer(h, 0, NULL, FILE_END);
WriteFile(h, "ABC", 3, &n, NULL);
printf("size %d\n", GetFileSize(h, NULL));
DWORD r = SetFilePointer(h, -20, NULL, FILE_CURRENT);
printf("%x %d\n", r, GetLastError());
SetFilePointer(h, 0, NULL, FILE_BEGIN);
ReadFile(h, buf, 100, &n, NULL);
printf("read %d: %s\n", n, buf);
ReadFile(h, buf, 100, &n, NULL);
printf("at the end: %d\n", n);
HANDLE ro = CreateFile("empty.bin", GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0, NULL);
HANDLE m1 = CreateFileMapping(ro, NULL, PAGE_READWRITE, 0, 0, NULL);
printf("read-only handle: %d\n", GetLastError());
HANDLE m2 = CreateFileMapping(ro, NULL, PAGE_READONLY, 0, 0, NULL);
printf("empty file: %d\n", GetLastError());
HANDLE m3 = CreateFileMapping(ro, NULL, PAGE_READONLY, 0, 100, NULL);
printf("larger, read-only: %d\n", GetLastError());
HANDLE m = CreateFileMapping(h, NULL, PAGE_READWRITE, 0, 8192, NULL);
printf("grown to %d\n", GetFileSize(h, NULL));
char *v = MapViewOfFile(m, FILE_MAP_WRITE, 0, 0, 0);
printf("%s\n", v);
HANDLE t = CreateFile("data.txt", GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, TRUNCATE_EXISTING, 0, NULL);
printf("truncate: %d\n", GetLastError());
DeleteFile("data.txt");
printf("delete mapped: %d\n", GetLastError());
DeleteFile("nothing");
printf("delete missing: %d\n", GetLastError());
CloseHandle(ro);
printf("delete: %d\n", DeleteFile("empty.bin"));
printf("close twice: %d %d\n", CloseHandle(ro), GetLastError());
