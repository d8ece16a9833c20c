/*
 * replay.c: the corpus driver shared by the fuzz harnesses' replay builds
 * (replay.h).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

#include "replay.h"

#define REPLAY_MAX (1u << 20)

static int replay_file(const char *path)
{
    static uint8_t buf[REPLAY_MAX];
    FILE *f = fopen(path, "rb");
    size_t n;

    if ( !f )
    {
        perror(path);
        return -1;
    }
    n = fread(buf, 1, sizeof(buf), f);
    fclose(f);
    LLVMFuzzerTestOneInput(buf, n);
    return 0;
}

static int replay_dir(const char *dir)
{
    struct dirent **names;
    char path[4096];
    int i, n = scandir(dir, &names, NULL, alphasort), rc = 0;

    if ( n < 0 )
        return replay_file(dir);    /* not a directory */
    for ( i = 0; i < n; i++ )
    {
        if ( names[i]->d_name[0] != '.' )
        {
            snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
            rc |= replay_file(path);
        }
        free(names[i]);
    }
    free(names);
    return rc;
}

int fuzz_replay(int argc, char **argv)
{
    int i, rc = 0;

    for ( i = 1; i < argc; i++ )
        rc |= replay_dir(argv[i]);
    return rc;
}
