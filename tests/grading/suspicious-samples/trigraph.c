??=define LIMIT 10   /* expect: trigraph */
char quote = '??/'';
