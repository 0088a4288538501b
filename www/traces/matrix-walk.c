/* matrix-walk.c: the program behind matrix-walk.trace (see matrix-walk.md).
 * A 32 x 1024 matrix of ints: each row is 4 KiB, one page. Every 64th column is written,
 * then summed twice: row by row (16 accesses to one page before moving on: good locality),
 * then column by column (every access moves to the next row's page: 32 pages in turn,
 * poor locality). */
#include <stdio.h>

#define ROWS 32
#define COLS 1024
#define STEP 64

static int m[ROWS][COLS];

int main(void) {
    long sum = 0;
    for (int r = 0; r < ROWS; r++)
        for (int c = 0; c < COLS; c += STEP)
            m[r][c] = r + c;
    for (int r = 0; r < ROWS; r++)           /* row by row */
        for (int c = 0; c < COLS; c += STEP)
            sum += m[r][c];
    for (int c = 0; c < COLS; c += STEP)     /* column by column */
        for (int r = 0; r < ROWS; r++)
            sum += m[r][c];
    printf("%ld\n", sum);
    return 0;
}
