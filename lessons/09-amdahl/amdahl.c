/* amdahl.c - what Amdahl's and Gustafson's laws predict.
 *
 *   amdahl P N      the speedup and efficiency of a job whose parallel fraction is P (0 to 1)
 *                   on N workers, Amdahl's limit for P, and Gustafson's scaled speedup
 *   amdahl --curves the predicted speedups for several parallel fractions at 1 to 1024
 *                   workers, as tab-separated columns for plotting
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "laws.h"

static const char usage_text[] = "P N   (P: parallel fraction from 0 to 1; N: workers, 1 or more)"
                                 " | --curves";

static double fraction_argument(const char *text)
{
    char *end;
    errno = 0;
    double value = strtod(text, &end);
    if (end == text || *end != '\0' || errno != 0 || !(value >= 0 && value <= 1)) {
        char problem[128];
        snprintf(problem, sizeof problem, "P must be a fraction from 0 to 1, not '%s'", text);
        usage_error("amdahl", usage_text, problem);
    }
    return value;
}

/* Exercise 1 done? Never below 1 for a valid P and N: its stubs' 0 fails this, and so does NaN. */
static bool speedup_is_right(double speedup)
{
    return speedup >= 1;
}

static void print_curves(void)
{
    static const double fractions[] = { 0.5, 0.75, 0.9, 0.95, 0.99 };
    printf("# workers");
    for (size_t f = 0; f < 5; f++)
        printf("\tp=%.2f", fractions[f]);
    printf("\n");
    for (long n = 1; n <= 1024; n *= 2) {
        printf("%ld", n);
        for (size_t f = 0; f < 5; f++)
            printf("\t%.4f", amdahl_speedup(fractions[f], n));
        printf("\n");
    }
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--curves") == 0) {
        /* Not done yet is no error: no curves, and the plots drawn from them are skipped. On
         * stderr, since stdout is the table (make diagrams writes it to a file). */
        if (!speedup_is_right(amdahl_speedup(0.5, 2))) {
            fprintf(stderr, "amdahl: the table of curves needs exercise 1 "
                    "(lessons/09-amdahl/laws.c); skipped\n");
            return 0;
        }
        print_curves();
        return 0;
    }
    if (argc != 3)
        usage_error("amdahl", usage_text, NULL);
    double p = fraction_argument(argv[1]);
    long n = number_argument("amdahl", usage_text, "N", argv[2], 1, 1000000000);

    double speedup = amdahl_speedup(p, n);
    if (!speedup_is_right(speedup)) {
        printf("amdahl_speedup(%g, %ld) gave %g: it needs exercise 1 (lessons/09-amdahl/laws.c)\n",
               p, n, speedup);
        return 0;
    }
    printf("parallel fraction %.2f on %ld worker%s:\n", p, n, n == 1 ? "" : "s");
    printf("  Amdahl     speedup %.2f, efficiency %.0f%%", speedup, 100 * speedup / (double)n);
    if (p < 1)
        printf("; never more than %.2f, however many workers", 1 / (1 - p));
    printf("\n");
    printf("  Gustafson  scaled speedup %.2f, if the parallel part grows with the workers\n",
           gustafson_speedup(p, n));
    return 0;
}
