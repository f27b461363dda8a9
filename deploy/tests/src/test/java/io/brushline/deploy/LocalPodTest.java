package io.brushline.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** How the chart smoke test maps a container's paths onto this machine. */
class LocalPodTest {

  @Test
  void eachContainerPathIsMappedOnceEvenWhenItsLocalDirectoryStartsLikeAnotherMount() {
    Map<String, String> mounts = Map.of("/deployments", "/tmp/clone/services/grounding/target/quarkus-app",
        "/tmp", "/work/pod/tmp", "/models", "/work/pod/models");
    assertEquals("/tmp/clone/services/grounding/target/quarkus-app/lib/main/*:/work/pod/tmp/x",
        LocalPod.localPaths("/deployments/lib/main/*:/tmp/x", mounts));
    assertEquals("-Djava.io.tmpdir=/work/pod/tmp", LocalPod.localPaths("-Djava.io.tmpdir=/tmp", mounts));
    assertEquals("/modelsX /work/pod/models", LocalPod.localPaths("/modelsX /models", mounts));
  }
}
