// The executor's record of one work item it has taken, shared by its two
// source files (transfer_executor.cpp, transfer_verify.cpp). Private to
// src/copy.
#pragma once

#include <cstddef>

#include "caios2dfs/copy/work_item.hpp"

namespace caios {

struct ActiveItem {
  WorkItem item;
  std::size_t next_object = 0;  ///< the next object to start
  int started = 0;              ///< objects started and not yet ended
  ItemDone done;
};

}  // namespace caios
