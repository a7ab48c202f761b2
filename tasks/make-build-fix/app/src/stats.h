#ifndef STATS_H
#define STATS_H

#include <stddef.h>

struct summary {
    size_t count;
    double mean;
    double stddev; /* population standard deviation */
    double min;
    double max;
};

int summarize(const double *values, size_t n, struct summary *out);

#endif
