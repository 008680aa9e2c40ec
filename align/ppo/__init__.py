"""Classic RLHF PPO, owned by the platform (TRL removed its PPOTrainer in 1.13).

The policy samples responses, a frozen reference model and the reward model score them, and
PPO updates the policy and a value head under a per-token KL penalty (Ziegler et al. 2019;
Stiennon et al. 2020; Ouyang et al. 2022). ``align.ppo.core`` holds the math as small pure
torch functions, each unit-tested against hand-worked values; the trainer loop runs on
accelerate and imports it. Nothing here imports torch at package import time.
"""
