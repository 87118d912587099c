/* tcpkit: one binary, one subcommand per job. */
#include <stdio.h>
#include <string.h>

#include "commands.h"

/* The project version from CMake (project(... VERSION)). */
#ifndef TK_VERSION
#define TK_VERSION "unknown"
#endif

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} command;

static const command commands[] = {
    {"sim", tk_cmd_sim, "two stacks on a simulated link, scenario by scenario"},
    {"bench", tk_cmd_bench, "figures: goodput, CPU time and memory of two stacks in one process"},
    {"decode", tk_cmd_decode, "hex dumps or pcap files -> decoded headers and handshake roles"},
    {"analyze", tk_cmd_analyze, "a capture -> each TCP connection's life and expert notes"},
    {"run", tk_cmd_run, "packetdrill-syntax scripts against the stack on virtual time"},
    {"serve", tk_cmd_serve, "the stack on a TAP device serving echo, discard, chargen or http"},
    {"connect", tk_cmd_connect, "the stack on a TAP device as a client: stdin to a peer, like nc"},
};

static void usage(FILE *out) {
    fprintf(out, "usage: tcpkit COMMAND [ARGS...]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\n'tcpkit COMMAND --help' describes each command; 'tcpkit --version' prints\n"
                 "the version. Every command exits 2 on a usage error.\n");
}

int main(int argc, char **argv) {
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
        printf("tcpkit %s\n", TK_VERSION);
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "tcpkit: unknown %s '%s'\n", argv[1][0] == '-' ? "option" : "command", argv[1]);
    usage(stderr);
    return 2;
}
