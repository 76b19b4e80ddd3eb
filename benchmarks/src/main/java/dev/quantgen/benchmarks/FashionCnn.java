package dev.quantgen.benchmarks;

import dev.quantgen.annotations.Model;

/**
 * The Fashion-MNIST CNN as a generated model ({@code FashionCnn_Model}), for {@link CnnBenchmark}.
 */
@Model(
    layers = {
      CnnLayers.Conv1.class,
      CnnLayers.Pool1.class,
      CnnLayers.Conv2.class,
      CnnLayers.Pool2.class,
      CnnLayers.Flat.class,
      CnnLayers.Fc1.class,
      CnnLayers.Fc2.class
    })
interface FashionCnn {}
