-- TerraConverse's user commands. Loading is cheap: the plugin's modules are only
-- required when a command runs.
if vim.g.loaded_terraconverse then
  return
end
vim.g.loaded_terraconverse = true

if vim.fn.has('nvim-0.7') ~= 1 then
  vim.notify('TerraConverse needs Neovim 0.7 or newer', vim.log.levels.ERROR)
  return
end

local command = vim.api.nvim_create_user_command

command('TerraConverse', function(opts)
  require('terraconverse').start(opts.args)
end, { nargs = '*', desc = 'Start a TerraConverse conversation (no argument: resume the current question)' })

command('TerraConverseStatus', function()
  require('terraconverse').status()
end, { nargs = 0, desc = 'Show the conversation and the parameters collected so far' })

command('TerraConverseCancel', function()
  require('terraconverse').cancel()
end, { nargs = 0, desc = 'Cancel the conversation (text already written stays)' })

command('TerraConverseBack', function()
  require('terraconverse').back()
end, { nargs = 0, desc = 'Go back to the previous question' })

command('TerraConverseDefaults', function()
  require('terraconverse').accept_all_defaults()
end, { nargs = 0, desc = 'Accept the defaults of every remaining question' })
