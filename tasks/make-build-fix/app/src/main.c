/* stats: read one number per line on stdin, print a one-line summary. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

int main(void)
{
    size_t cap = 64, n = 0;
    double *values = malloc(cap * sizeof *values);
    char line[256];
    if (!values)
        return 1;
    while (fgets(line, sizeof line, stdin)) {
        char *end;
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '\0')
            continue;
        double v = strtod(line, &end);
        if (*end != '\0') {
            fprintf(stderr, "stats: not a number: %s\n", line);
            free(values);
            return 1;
        }
        if (n == cap) {
            double *grown = realloc(values, 2 * cap * sizeof *values);
            if (!grown) {
                free(values);
                return 1;
            }
            values = grown;
            cap *= 2;
        }
        values[n++] = v;
    }
    struct summary s;
    if (summarize(values, n, &s) != 0) {
        fprintf(stderr, "stats: no input\n");
        free(values);
        return 1;
    }
    printf("count=%zu mean=%.4f stddev=%.4f min=%.4f max=%.4f\n", s.count, s.mean, s.stddev, s.min, s.max);
    free(values);
    return 0;
}
