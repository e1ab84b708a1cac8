// caios2dfs-gen-man DATE FILE: writes the man page caios2dfs-mpi(1) to FILE,
// generated from the flag table (cli/man_page.cpp). Run by the build.
#include <cstdio>
#include <fstream>
#include <string>

#include "caios2dfs/cli/copy_options.hpp"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: caios2dfs-gen-man DATE FILE\n");
    return 2;
  }
  std::ofstream out(argv[2], std::ios::binary | std::ios::trunc);
  out << caios::man_page_text(argv[1]);
  out.close();
  if (!out) {
    std::fprintf(stderr, "caios2dfs-gen-man: cannot write %s\n", argv[2]);
    return 1;
  }
  return 0;
}
