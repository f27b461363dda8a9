package io.brushline.inpainting.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * A sampler over a {@link NoiseSchedule}: which timesteps the model is evaluated at, and how a sample
 * moves from one to the next given the model's noise prediction. One instance serves one sampling
 * run (multistep solvers keep the previous prediction); every sample of a batch shares the steps.
 */
public interface Scheduler {

    /** The timesteps of the run, from the noisiest down. */
    int[] timesteps();

    /** The sample at the next timestep (or the final sample after the last one). */
    NDArray step(int index, NDArray sample, NDArray noise);

    /** The arrays the scheduler keeps for its next step (freed by the scheduler when it replaces them). */
    default NDList carried() {
        return new NDList();
    }

    /** The schedulers a deployment can choose. */
    enum Kind {
        /** DDIM, deterministic (eta = 0). */
        DDIM,
        /** DPM-Solver++ 2M: second-order multistep, good results in 20-25 steps. */
        DPM_SOLVER_MULTISTEP;

        public Scheduler create(NoiseSchedule schedule, int steps) {
            return switch (this) {
                case DDIM -> new DdimScheduler(schedule, steps);
                case DPM_SOLVER_MULTISTEP -> new DpmSolverMultistepScheduler(schedule, steps);
            };
        }
    }
}
