package io.brushline.common.models;

import io.brushline.common.BrushlineConfig;
import io.brushline.common.storage.MissingObjectException;
import io.brushline.common.storage.ObjectStore;
import io.brushline.common.storage.StorageException;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Copies the model files a service needs from the bucket's models prefix into a local directory
 * before the service starts (the Kubernetes init container of every pod that loads models):
 *
 * <pre>java -cp '/deployments/lib/boot/*:/deployments/lib/main/*:/deployments/quarkus/generated-bytecode.jar' io.brushline.common.models.ModelSync /models yolox_nano.onnx sd-inpainting/</pre>
 *
 * Each argument after the directory names a file under the prefix, or, ending in "/", every file
 * below that folder (a diffusion model directory). Storage settings come from the same environment
 * as the service's (BRUSHLINE_STORAGE_ENDPOINT, ..._BUCKET, ..._ACCESS_KEY, ..._SECRET_KEY,
 * BRUSHLINE_MODELS_STORAGE_PREFIX). Exits 0 when every file is in place and verified; otherwise
 * prints which file is missing or damaged and exits 1, so the pod never becomes ready without its
 * models.
 */
public final class ModelSync {

    private ModelSync() {
    }

    public static void main(String[] args) {
        if (args.length < 2) {
            System.err.println("usage: ModelSync <target directory> <file or folder/>...");
            System.exit(2);
        }
        SmallRyeConfig config = new SmallRyeConfigBuilder().addDefaultSources().addDiscoveredConverters()
                .withMapping(BrushlineConfig.class).build();
        BrushlineConfig settings = config.getConfigMapping(BrushlineConfig.class);
        List<String> problems = sync(new ObjectStore(settings), settings.models().storagePrefix(), Path.of(args[0]),
                List.of(args).subList(1, args.length));
        problems.forEach(System.err::println);
        System.exit(problems.isEmpty() ? 0 : 1);
    }

    /** Copies every entry; returns one line per file that could not be put in place (empty: all done). */
    static List<String> sync(ObjectStore storage, String prefix, Path targetDir, List<String> entries) {
        ModelDownload download = new ModelDownload(storage);
        List<String> problems = new ArrayList<>();
        for (String entry : entries) {
            List<String> keys = entry.endsWith("/")
                    ? storage.list(prefix + entry).stream().filter(key -> !key.endsWith(".sha256")).toList()
                    : List.of(prefix + entry);
            if (keys.isEmpty()) {
                problems.add("model folder " + prefix + entry + " is empty or missing in object storage");
            }
            for (String key : keys) {
                Path target = targetDir.resolve(key.substring(prefix.length()));
                try {
                    var outcome = download.fetch(key, target);
                    System.out.printf("%s %s -> %s%n", outcome.name().toLowerCase(java.util.Locale.ROOT), key, target);
                } catch (MissingObjectException e) {
                    problems.add("model file " + key + " is missing in object storage; upload it or change the"
                            + " service's model list");
                } catch (IllegalStateException | StorageException e) {
                    problems.add(e.getMessage());
                }
            }
        }
        return problems;
    }
}
