package io.brushline.inpainting.diffusion;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One TorchScript file run through DJL's PyTorch engine; outputs live on the inputs' manager. Float
 * inputs are cast to the module's float type and float outputs back to fp32, so the code around the
 * models works in fp32 whatever precision the files were exported in.
 */
public final class TorchScriptModule implements AutoCloseable {

    private final Model model;
    private final DataType dtype;

    private TorchScriptModule(Model model, DataType dtype) {
        this.model = model;
        this.dtype = dtype;
    }

    /** Loads {@code dir/name.pt} onto the device; fails naming the file when it is missing or broken. */
    public static TorchScriptModule load(Path dir, String name, ModelDevice device) {
        Path file = dir.resolve(name + ".pt");
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("model file " + file + " does not exist");
        }
        Model model = Model.newInstance(name, device.device(), "PyTorch");
        try {
            model.load(dir, name);
        } catch (IOException e) {
            model.close();
            throw new UncheckedIOException("cannot read " + file, e);
        } catch (MalformedModelException e) {
            model.close();
            throw new IllegalStateException(file + " is not a TorchScript model: " + e.getMessage(), e);
        }
        return new TorchScriptModule(model, device.dtype());
    }

    /** A manager on this module's device, for the arrays of one run. */
    public NDManager newManager() {
        return model.getNDManager().newSubManager();
    }

    public NDList forward(NDList inputs) {
        NDManager manager = inputs.head().getManager();
        NDList outputs = model.getBlock().forward(new ParameterStore(manager, false), cast(inputs, dtype), false);
        return cast(outputs, DataType.FLOAT32);
    }

    private static NDList cast(NDList arrays, DataType to) {
        NDList cast = new NDList(arrays.size());
        for (NDArray array : arrays) {
            boolean isFloat = array.getDataType() == DataType.FLOAT32 || array.getDataType() == DataType.FLOAT16;
            cast.add(isFloat && array.getDataType() != to ? array.toType(to, false) : array);
        }
        return cast;
    }

    @Override
    public void close() {
        model.close();
    }
}
