#include <math.h>

#include "stats.h"

int summarize(const double *values, size_t n, struct summary *out)
{
    if (n == 0)
        return -1;
    double sum = 0.0, min = values[0], max = values[0];
    for (size_t i = 0; i < n; i++) {
        sum += values[i];
        if (values[i] < min)
            min = values[i];
        if (values[i] > max)
            max = values[i];
    }
    double mean = sum / (double)n, sq = 0.0;
    for (size_t i = 0; i < n; i++)
        sq += (values[i] - mean) * (values[i] - mean);
    out->count = n;
    out->mean = mean;
    out->stddev = sqrt(sq / (double)n);
    out->min = min;
    out->max = max;
    return 0;
}
