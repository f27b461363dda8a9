package io.brushline.common.state;

import io.brushline.common.BrushlineConfig;
import java.lang.reflect.Proxy;
import java.time.Duration;

/** The settings the stores read, which is the job TTL only, without building the whole mapping. */
final class JobTtlConfig {

    private JobTtlConfig() {
    }

    static BrushlineConfig of(Duration ttl) {
        BrushlineConfig.Redis section = (BrushlineConfig.Redis) Proxy.newProxyInstance(
                BrushlineConfig.class.getClassLoader(), new Class<?>[] {BrushlineConfig.Redis.class},
                (proxy, method, args) -> "jobTtl".equals(method.getName()) ? ttl : null);
        return (BrushlineConfig) Proxy.newProxyInstance(BrushlineConfig.class.getClassLoader(),
                new Class<?>[] {BrushlineConfig.class}, (proxy, method, args) -> section);
    }
}
