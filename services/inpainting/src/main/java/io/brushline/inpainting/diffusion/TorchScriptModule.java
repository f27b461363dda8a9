package io.brushline.inpainting.diffusion;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** One TorchScript file run through DJL's PyTorch engine; outputs live on the inputs' manager. */
public final class TorchScriptModule implements AutoCloseable {

    private final Model model;

    private TorchScriptModule(Model model) {
        this.model = model;
    }

    /** Loads {@code dir/name.pt} onto {@code device}; fails naming the file when it is missing or broken. */
    public static TorchScriptModule load(Path dir, String name, Device device) {
        Path file = dir.resolve(name + ".pt");
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("model file " + file + " does not exist");
        }
        Model model = Model.newInstance(name, device, "PyTorch");
        try {
            model.load(dir, name);
        } catch (IOException e) {
            model.close();
            throw new UncheckedIOException("cannot read " + file, e);
        } catch (MalformedModelException e) {
            model.close();
            throw new IllegalStateException(file + " is not a TorchScript model: " + e.getMessage(), e);
        }
        return new TorchScriptModule(model);
    }

    /** A manager on this module's device, for the arrays of one run. */
    public NDManager newManager() {
        return model.getNDManager().newSubManager();
    }

    public NDList forward(NDList inputs) {
        NDManager manager = inputs.head().getManager();
        return model.getBlock().forward(new ParameterStore(manager, false), inputs, false);
    }

    @Override
    public void close() {
        model.close();
    }
}
