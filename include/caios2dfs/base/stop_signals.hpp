// The signals that ask a job to stop in order: SIGTERM (SLURM's time limit
// and scancel, 30 s before SIGKILL), SIGINT (^C) and SIGUSR1 (sent ahead of
// the limit by `sbatch --signal=USR1@120`). The handler only records the
// first one; the event loop polls received() and stops the job in order
// (copy/run_copy.cpp). A second signal ends the process at once, with
// status 128 + its number, for a user who does not want to wait.
//
// Signal dispositions are process-wide, so at most one StopSignals may
// exist at a time; the owner (the command) creates it and passes it on.
#pragma once

namespace caios {

class StopSignals {
 public:
  /// Installs the handlers; the previous ones come back on destruction.
  StopSignals();
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  /// The first stop signal received, 0 while none. Any thread.
  int received() const;
  /// "SIGTERM", "SIGINT", "SIGUSR1" (or "signal N").
  static const char* name(int signal);
};

}  // namespace caios
