/* The subcommands of the `tcpkit` binary. Each returns the process exit
 * status: 0 success, 1 the job failed (a scenario or script did not behave as
 * expected), 2 usage or input error. */
#ifndef TK_TOOLS_COMMANDS_H
#define TK_TOOLS_COMMANDS_H

int tk_cmd_decode(int argc, char **argv);
int tk_cmd_analyze(int argc, char **argv);
int tk_cmd_sim(int argc, char **argv);
int tk_cmd_bench(int argc, char **argv);
/* `tcpkit bench attack` (cmd_bench_attack.c). */
int tk_bench_attack(int argc, char **argv);
int tk_bench_memory(int argc, char **argv);
int tk_bench_shards(int argc, char **argv);
int tk_bench_loss(int argc, char **argv);
int tk_bench_cc(int argc, char **argv);
int tk_cmd_run(int argc, char **argv);
int tk_cmd_serve(int argc, char **argv);
int tk_cmd_connect(int argc, char **argv);

#endif
