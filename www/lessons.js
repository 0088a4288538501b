// Bundled lessons: www/lessons/index.json lists `{name, title, summary, file}` entries and
// each file is a script; an entry with `trace` instead of `file` opens the Compare view on
// that bundled trace (www/traces/NAME.trace). The index is checked before use: names and files are plain words,
// so a `?lesson=` value can only ever pick one of the listed lessons.

const INDEX = new URL('lessons/index.json', import.meta.url);
const NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;
const FILE = /^[a-z0-9][a-z0-9-]{0,63}\.c$/;
const MAX_LESSON_BYTES = 256 * 1024;

/** The scenario shown when no lesson can be loaded: the tutorial's first example. */
export const DEFAULT_SCRIPT = `// The tutorial's first VirtualAlloc example. Step through it: VirtualAlloc commits a
// page, but RAM is used only when memmove first touches it (a demand-zero fault).
#pragma pagelab frames=8 pagefile=8 working_set=4
#include <stdio.h>
#include <memoryapi.h>

int main(){
    int *pointer_to_memory = VirtualAlloc(NULL, 8, MEM_COMMIT, PAGE_READWRITE);
    printf("The base address of allocated memory is: %x\\n", pointer_to_memory);
    memmove(pointer_to_memory, (const void*)"1337", 4);
    printf("The data which is stored in the memory is %s\\n", pointer_to_memory);
    VirtualFree(pointer_to_memory, 8, MEM_DECOMMIT);
    return 0;
}
`;

/** The lesson index, keeping only well-formed entries. Throws when it cannot be read. */
export async function loadIndex() {
  const response = await fetch(INDEX);
  if (!response.ok) throw new Error(`the lesson list could not be loaded (HTTP ${response.status})`);
  const list = await response.json();
  if (!Array.isArray(list)) throw new Error('the lesson list is not a list');
  return list.filter((l) => l && typeof l.title === 'string' && NAME.test(l.name ?? '') && (FILE.test(l.file ?? '') || NAME.test(l.trace ?? '')))
    .map(({ name, title, summary, file, trace }) => ({ name, title, summary: typeof summary === 'string' ? summary : '', file, trace }));
}

/** The script of lesson `entry` (from loadIndex). */
export async function loadLesson(entry) {
  const response = await fetch(new URL(entry.file, INDEX));
  if (!response.ok) throw new Error(`the lesson "${entry.title}" could not be loaded (HTTP ${response.status})`);
  const text = await response.text();
  if (text.length > MAX_LESSON_BYTES) throw new Error(`the lesson "${entry.title}" is too long`);
  return text;
}
