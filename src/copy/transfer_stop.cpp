// The executor's side of a job that stops (a signal, --max-duration, a
// full DEST); see transfer_executor.hpp, stop().
#include "active_item.hpp"
#include "caios2dfs/copy/transfer_executor.hpp"

namespace caios {

void TransferExecutor::stop(const Error& why) {
  if (stop_) return;
  stop_ = why;
  for (auto it = active_.begin(); it != active_.end();) {
    ActiveItem& item = **it;
    ++it;  // the item may finish (and be erased) below
    while (item.next_object < item.item.objects.size()) fail_object(item, item.item.objects[item.next_object++], why);
    maybe_finish_item(item);
  }
  std::deque<TransferPtr> opened = std::move(opened_);
  opened_.clear();
  for (const TransferPtr& transfer : opened) abandon_opened(transfer);
}

void TransferExecutor::abandon_opened(const TransferPtr& transfer) {
  transfer->get_done = true;
  transfer->result = Result<GetResult>(*stop_);
  ++finishing_;
  submit_finish(transfer);
}

}  // namespace caios
